"""External linters: tools run as subprocesses (gometalinter's `Linters`), issue 14.

`definition.ExternalDefinition` is the record of one tool; `builtin.BUILTIN` holds the
definitions lintgate ships; a user's `Linters` entries (lintgate.json) and `--linter` flags
overlay them field by field. See docs/external.md.
"""
