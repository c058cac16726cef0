"""The cache's part of the command line: its flags, opening the store around a run, the
exports after it, and `lintgate cache status|prune|clean` (docs/cache.md).

Kept apart from lintgate/cli.py so the CLI only adds `add_arguments(parser)`, calls
`CacheRun.open(...)` before the run and `finish()` after it, and hands `lintgate cache ...`
to `cache_main`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    from lintgate.cache.oci.spec import CacheSpec
    from lintgate.cache.store import Store

Warn = Callable[[str], None]
EMPTY_CACHE_DIR = "--cache-dir: the path is empty"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --cache-dir, --no-cache, --export-cache, --export-cache-opt and --import-cache."""
    g = parser.add_argument_group("result cache (docs: README, Cache)")
    g.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="the result cache (default: $LINTGATE_CACHE_DIR, else the user cache directory)",
    )
    g.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    g.add_argument(
        "--export-cache",
        metavar="SPEC",
        action="append",
        default=[],
        help="after the run, export the cache: type=local,dest=DIR[,mode=min|max][,tag=NAME] or "
        "type=registry,ref=HOST[:PORT]/NAME[:TAG][,registry.insecure=true] (repeatable)",
    )
    g.add_argument(
        "--export-cache-opt",
        metavar="OPT",
        action="append",
        default=[],
        help=argparse.SUPPRESS,  # deprecated (BuildKit's old form): mode=max
    )
    g.add_argument(
        "--import-cache",
        metavar="SPEC",
        action="append",
        default=[],
        help="before the run, import a cache: type=local,src=DIR[,tag=NAME] or "
        "type=registry,ref=HOST[:PORT]/NAME[:TAG][,registry.insecure=true] (repeatable)",
    )


def _ignored_by_git(top: str, path: str) -> bool:
    """Whether git ignores `path` (a directory inside the work tree `top`; it need not exist):
    `git check-ignore`, which reads .gitignore, .git/info/exclude and core.excludesFile.
    False outside a work tree or without git."""
    import subprocess

    try:
        done = subprocess.run(
            ["git", "-C", top, "check-ignore", "-q", "--", path + os.sep],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _shard(args: argparse.Namespace) -> tuple[int, int] | None:
    """(K, N) of --shard K/N (lintgate.shards), or None."""
    spec = getattr(args, "shard_spec", None)
    return None if spec is None else (spec.index, spec.total)


class CacheUsageError(ValueError):
    """A bad cache flag; `str(error)` is the one-line message (exit 2 before anything runs)."""


class CacheRun:
    """The cache around one run: `store` (None without a cache) and the parsed export specs.

    Build it with `CacheRun.open`; call `finish()` after the run (exports, close).
    """

    def __init__(self, store: Store | None, exports: list[CacheSpec], warn: Warn) -> None:
        self.store = store
        self.exports = exports
        self.warn = warn

    @classmethod
    def parse(cls, args: argparse.Namespace) -> tuple[list[CacheSpec], list[CacheSpec], list[str]]:
        """(import specs, export specs, deprecation warnings) from the flags; raises
        CacheUsageError (bad value, or --no-cache with an import or export)."""
        if args.cache_dir == "":  # not "unset": it would silently mean the user's cache
            raise CacheUsageError(EMPTY_CACHE_DIR)
        if args.no_cache and (args.export_cache or args.import_cache or args.export_cache_opt):
            raise CacheUsageError("--no-cache cannot be used with --import-cache or --export-cache")
        if args.export_cache_opt and not args.export_cache:
            raise CacheUsageError("--export-cache-opt requires --export-cache")
        if not (args.export_cache or args.import_cache):
            return [], [], []  # the OCI code (tarfile, gzip) is not imported on a plain run
        from lintgate.cache import oci

        try:
            exports, w1 = oci.parse_export_cache(args.export_cache, args.export_cache_opt)
            imports, w2 = oci.parse_import_cache(args.import_cache)
            imports, exports = oci.for_shard(imports, exports, _shard(args))
        except oci.CacheSpecError as e:
            raise CacheUsageError(str(e)) from None
        return imports, exports, w1 + w2

    @classmethod
    def open(
        cls,
        args: argparse.Namespace,
        imports: list[CacheSpec],
        exports: list[CacheSpec],
        trees: Sequence[Path],
        warn: Warn,
        trusted_keys: Sequence[str] = (),
        root: Path | None = None,
    ) -> CacheRun:
        """Open the store (unless --no-cache) and run the imports into it.

        `trees`: the directories being checked (the project root and the given directories):
        a cache directory inside one of them is refused with a warning and the run goes on
        uncached (the cache must not show up in the tree it describes, nor in its git status),
        unless git ignores it (a CI system's cache must be inside the project: GitLab's).
        A cache that cannot be opened is a warning too. `trusted_keys`: the config's
        CacheTrustedKeys (relative paths against the project root `root`): when there are
        any, only signed imports are merged, and keys that cannot be loaded refuse them all,
        with one warning. Never raises.
        """
        if args.no_cache:
            return cls(None, [], warn)
        from lintgate.cache import CacheError, Store, resolve_cache_dir

        directory = resolve_cache_dir(args.cache_dir)
        real = os.path.realpath(directory)
        for tree in trees:
            top = os.path.realpath(tree)
            if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
                if real != top and _ignored_by_git(top, real):
                    continue  # git-ignored: out of discovery and git status (a CI cache: path)
                warn(
                    f"cache directory {directory} is inside the tree being checked ({tree}); "
                    "running without the cache (use --cache-dir elsewhere)"
                )
                return cls(None, exports, warn)  # finish() says the exports are not made
        try:
            store = Store(directory, warn=warn)
        except CacheError as e:
            warn(f"{e}; running without the cache")
            return cls(None, exports, warn)
        if imports:
            from lintgate.cache import oci  # tarfile and gzip: only when asked
        trusted = None
        if imports and trusted_keys:
            from lintgate.cache.oci import signing  # cryptography: only when asked

            try:
                trusted = signing.load_trusted_keys(trusted_keys, root or Path.cwd())
            except ValueError as e:
                warn(f"cache import: CacheTrustedKeys: {e}; going on without the imports")
                imports = []
        for spec in imports:
            try:
                oci.import_cache(store, spec, warn, trusted)
            except CacheError as e:
                warn(f"--import-cache {spec.location}: {e}")
        return cls(store, exports, warn)

    def finish(self) -> list[str]:
        """Run the exports and close the store. Returns the one-line errors of failed exports
        (each sets exit bit 2)."""
        errors = []
        if self.store is None:
            if any(not s.ignore_error for s in self.exports):
                errors.append("--export-cache: no cache to export (see the warning above)")
            return errors
        from lintgate.cache import CacheError

        if self.exports:
            from lintgate.cache import oci
        try:
            for spec in self.exports:
                try:
                    oci.export_cache(self.store, spec)
                except (oci.OCIError, CacheError, OSError) as e:
                    message = f"--export-cache {spec.type} {spec.location}: {e}"
                    if spec.ignore_error:  # BuildKit's ignore-error=true: a warning only
                        self.warn(f"{message} (ignore-error=true)")
                    else:
                        errors.append(message)
        finally:
            try:
                self.store.close()
            except CacheError as e:
                self.warn(str(e))
        return errors


def _keygen(path: Path) -> int:
    """`lintgate cache keygen FILE` (lintgate.cache.oci.signing.write_key_pair): 0, or 2 with a
    one-line error."""
    from lintgate.cache.oci.signing import write_key_pair

    try:
        pub = write_key_pair(path)
    except ValueError as e:
        print(f"lintgate cache: keygen: {e}", file=sys.stderr)
        return 2
    print(
        f"wrote the private key to {path} (a CI secret: LINTGATE_CACHE_SIGNING_KEY) and the"
        f" public key to {pub} (list it in CacheTrustedKeys)"
    )
    return 0


def build_cache_parser() -> argparse.ArgumentParser:
    """The parser of `lintgate cache status|prune --older-than AGE|clean|keygen FILE`."""
    from lintgate.config.usage import OneLineParser  # usage errors: one line (cli.main)

    p = OneLineParser(
        prog="lintgate cache",
        description="Inspect or trim lintgate's result cache; make a signing key pair.",
    )
    p.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="the cache (default: $LINTGATE_CACHE_DIR, else the user cache directory)",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="status|prune|clean|keygen")
    sub.add_parser("status", help="directory, size, entries, ages")
    prune = sub.add_parser("prune", help="drop entries not used for a while")
    prune.add_argument(
        "--older-than", metavar="AGE", required=True, help="e.g. 30d, 12h, 1d12h (units s m h d)"
    )
    sub.add_parser("clean", help="drop every entry, give the space back (VACUUM)")
    keygen = sub.add_parser("keygen", help="write a key pair that signs cache exports")
    keygen.add_argument("file", metavar="FILE", help="the private key; the public one: FILE.pub")
    for action in sub.choices.values():  # --cache-dir after the command works too
        action.add_argument("--cache-dir", metavar="DIR", default=argparse.SUPPRESS)
    return p


def cache_main(argv: Sequence[str]) -> int:
    """`lintgate cache ...` (argv without "cache"); returns the exit status (0, or 2 with a
    one-line error)."""
    from lintgate.cache import CacheError, Store, format_status, parse_age, resolve_cache_dir
    from lintgate.cache.maintenance import readable_size
    from lintgate.cache.store import DB_NAME, check_directory
    from lintgate.report.terminal import escape_controls  # text from outside: one line

    args = build_cache_parser().parse_args(list(argv))
    if args.command == "keygen":
        return _keygen(Path(args.file))
    if args.cache_dir == "":
        print(f"lintgate cache: {EMPTY_CACHE_DIR}", file=sys.stderr)
        return 2
    directory = resolve_cache_dir(args.cache_dir)

    def warn(message: str) -> None:
        print(f"lintgate: warning: {escape_controls(message)}", file=sys.stderr)

    age = None
    if args.command == "prune":
        try:
            age = parse_age(args.older_than)
        except ValueError as e:
            print(f"lintgate cache: --older-than: {escape_controls(str(e))}", file=sys.stderr)
            return 2
    try:
        check_directory(directory)  # a regular file there is an error, not an empty cache
    except CacheError as e:
        print(f"lintgate cache: {escape_controls(str(e))}", file=sys.stderr)
        return 2
    if not (directory / DB_NAME).exists():  # do not create a cache just to look at it
        if args.command == "status":  # not an error: no run has written there yet
            print(f"no cache at {directory}: nothing was cached there yet")
        elif args.command == "prune":
            print(f"removed 0 entries not used for {args.older_than} from {directory}")
        else:
            print(f"removed 0 entries from {directory}, freed 0 bytes")
        return 0
    try:
        with Store(directory, warn=warn) as store:
            if args.command == "status":
                sys.stdout.write(format_status(store.status()))
            elif args.command == "prune":
                n = store.prune(age or 0.0)
                print(f"removed {n} entries not used for {args.older_than} from {directory}")
            else:
                before = store.size()
                n = store.clean()
                freed = readable_size(max(0, before - store.size()))
                print(f"removed {n} entries from {directory}, freed {freed}")
    except CacheError as e:
        print(f"lintgate cache: {escape_controls(str(e))}", file=sys.stderr)
        return 2
    return 0
