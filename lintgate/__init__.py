"""lintgate: a lint and format gate for Python repositories."""

__version__ = "0.2.0"
