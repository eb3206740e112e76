"""`make loadtest`: the production topology under load and faults (see __main__)."""
