"""Sharded CI runs (docs/ci.md): `--shard K/N` picks a stable, size-balanced share of the
discovered files (`partition`), `--output result=PATH` writes a shard's result file
(`resultfile`), and `lintgate merge` joins the result files into one report (`merge`)."""
