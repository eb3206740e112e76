"""The numbers: metric definitions, input parsing, the store and impact statistics."""
