"""The run replay: a warm run whose inputs are all unchanged is answered before the engine,
the config or argparse is imported.

A check answered wholly from the whole-run answer (lintgate.engine.whole) still pays for
what comes before that lookup: the imports, the config, discovery (git's index asked twice in
a large tree) and the settings key. When such a run ends, it leaves a replay record: what it
wrote to stdout (the bytes), its stderr lines, its exit status, and its witnesses, every path
whose change could change that output, with the digest of their stat data. The next run with
the same invocation (lintgate.replay.key: the argument list, working directory, environment,
which streams are terminals, the interpreter and lintgate's version) stats the witnesses; when
the digest is the recorded one, it writes the recorded output, with the summary line's
seconds its own, and exits with the recorded status. Otherwise it goes the normal way, and
leaves a new record once its answer is a settled one again.

The witnesses (lintgate.replay.witness) are:
- every file checked;
- every directory of the walks, but those git ignores, `.git` and the directories isort and
  black leave out: a file added, removed or renamed changes its directory's mtime;
- the config files isort, black and lintgate read in those directories and above them, up to
  the file system's root, present or not, and the user-level ones (~/.config/black, ...);
- git's index, its config files (includes too) and ignore files (core.excludesFile);
- the interpreter's import path directories and every module loaded (lintgate's own code, the
  engines): an upgrade or an edit of lintgate changes them.

The stat data is what git's index trusts: size, mtime, ctime, inode and mode. A witness
modified within two seconds of the record is racily clean (git's term): no record is left
then. Only a run whose output is the settled warm answer leaves a record: a plain check (no
--fix or --diff, no report file, no -v, no cache import or export, no new-code selection, no
--stdin-filename), answered wholly by the whole-run answer (so no external linter, nothing
computed), without an error or a warning, and without LINTGATE_PLUGINS (a plugin's own
config files are not witnessed). The records live in the cache directory's `replay/`
folder, one file per invocation; `lintgate cache clean` removes them. Set LINTGATE_REPLAY=0
to turn the replay off.
"""

FORMAT = "replay 1"
DIRECTORY = "replay"
