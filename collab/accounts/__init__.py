"""People and organisations: who belongs where, in which role, and how they sign in."""
