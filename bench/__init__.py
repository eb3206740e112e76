"""`make bench`: one JSON line per case (see bench/__main__.py)."""
