"""Small helpers shared across lintgate's layers (standard library only)."""
