"""How long the cache's part of a warm run takes: 3,000 files x 3 linters.

Usage: python benchmarks/cache_warm.py [FILES]
Builds a throw-away project and cache under a temporary directory, fills the cache (the cold
run), then times the warm run's cache work: stat every file, look the digests up in the stat
index, compute the entry keys, fetch every result, close the store.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from lintgate.cache import Entry, Store, file_digests
from lintgate.diagnostic import Finding

LINTERS = (("isort", "5.13.2"), ("black", "24.1.0"), ("imports", "0.1.0"))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "proj"
        paths = [f"pkg{i % 30}/mod{i}.py" for i in range(n)]
        old = 1_600_000_000 * 10**9
        for p in paths:
            (root / p).parent.mkdir(parents=True, exist_ok=True)
            (root / p).write_text(f"import os\n\nX = {p!r}\n")
            os.utime(root / p, ns=(old, old))
        settings = "5" * 64

        def keys_for(digests):
            return {
                (p, name): Entry(d, name, version, settings)
                for p, d in digests.items()
                for name, version in LINTERS
            }

        t0 = time.perf_counter()
        with Store(Path(tmp) / "cache") as store:
            entries = keys_for(file_digests(store, root, paths).digests)
            store.put_many(
                (e, [Finding(1, 1, "unused import os")] if name == "imports" else [])
                for (_, name), e in entries.items()
            )
        cold = time.perf_counter() - t0

        t0 = time.perf_counter()
        store = Store(Path(tmp) / "cache")
        t1 = time.perf_counter()
        found = file_digests(store, root, paths)
        t2 = time.perf_counter()
        entries = keys_for(found.digests)
        keys = [e.key for e in entries.values()]
        t3 = time.perf_counter()
        hits = store.get_many(keys)
        t4 = time.perf_counter()
        store.close()
        t5 = time.perf_counter()
        warm = t5 - t0
        print(
            f"warm: open {t1 - t0:.3f} s, stat+index {t2 - t1:.3f} s, keys {t3 - t2:.3f} s,"
            f" get_many {t4 - t3:.3f} s, close {t5 - t4:.3f} s"
        )
        assert not found.data and len(hits) == 3 * n
        print(
            f"{n} files x {len(LINTERS)} linters: cold cache work {cold:.3f} s, warm {warm:.3f} s"
        )


if __name__ == "__main__":
    main()
