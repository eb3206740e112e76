"""Follow-up of late work: alert rules, the scan, escalation and daily digests."""
