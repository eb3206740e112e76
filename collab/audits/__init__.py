"""Audit reports in, grouped and routed findings out: Lighthouse JSON and crawler CSVs.

Pure (no Flask, no database). The import records, idempotency and verification live on the
database side, built on this.
"""
