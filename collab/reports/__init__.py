"""The monthly report: what a month brought, did and left late (JSON, page, CSV, e-mail)."""
