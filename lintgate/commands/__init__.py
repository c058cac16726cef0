"""The commands of `lintgate`: each one orchestration of a run, no argument parsing.

`check` (the default) and `fix` (--fix, --diff) share the preparation (discovery, the
project, the cache) and the reporting in `common`; lintgate.cli parses the arguments, picks
the command and turns what it returns into the exit status.
"""
