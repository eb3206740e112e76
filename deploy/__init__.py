"""What an operator runs: the process list (processes.toml) and what is made from it."""
