"""legal_clock."""
