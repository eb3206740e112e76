"""Organisations' edited training notes (with versions) and who has read which note."""
