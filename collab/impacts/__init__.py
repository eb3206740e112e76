"""What finished work did to the numbers: what each kind of work should move (metric_map),
finished work in the organisation's calendar (completed_work), the measuring (measuring) and
its job boundaries (job), what tasks, notes, the ledger and the board read (results,
ledger), and how a verdict reads in words (wording)."""
