"""The engine of a run: plan -> answer from the cache -> dispatch -> merge -> record.

Layers, each importing only those listed after it: `run` (the whole run), `answer` (cache
lookups), `plan` (what each file needs), `dispatch` (the executor), `check` (the worker's
check of one file), `stored` (outcomes as the cache stores them), `records` (the records
they all share). `lintgate.runner` re-exports the public names for older callers.
"""
