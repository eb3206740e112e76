"""Training notes: the shipped library and each organisation's versions and reads."""
