"""Audit reports in, grouped and routed findings out: Lighthouse JSON and crawler CSVs.

Pure (no Flask, no database): ``read_audit_files`` reads the files exactly as the tools write
them and answers an AuditBatch (reports, findings, groups routed by identity) or raises one
AuditFileError naming the file. The import records, idempotency and verification live on the
database side, built on this.
"""

from collab.audits.errors import AuditFileError
from collab.audits.files import read_audit_files
from collab.audits.findings import AuditBatch, Finding, FindingGroup, Offender, Report
from collab.audits.routes import AuditRoute, check_overrides, route_finding

__all__ = [
    "AuditBatch",
    "AuditFileError",
    "AuditRoute",
    "Finding",
    "FindingGroup",
    "Offender",
    "Report",
    "check_overrides",
    "read_audit_files",
    "route_finding",
]
