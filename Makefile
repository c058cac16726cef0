# The gate on this repository, the tests, and the long runs kept out of the default test run.
PYTHON ?= .venv/bin/python

# The gate's command line, one place for both: `make gate` runs it from $(PYTHON)'s bin directory,
# the Dockerfile's lint stage from PATH (tests/test_gate_places.py checks that they agree).
LINT_CMD = lintgate

.PHONY: venv lint gate typecheck lint-docker test test-slow test-all agreement imports-agreement fix-stdlib fuzz bench bench-external bench-monorepo bench-warm

venv:
	python3 -m venv .venv
	.venv/bin/pip install -c constraints.txt -e '.[test]'

# The gate on this repository, then mypy --strict (the pre-commit hook runs this too).
lint: gate typecheck

# The gate alone: the command the Dockerfile's lint stage runs (tests/test_gate_places.py).
gate:
	$(dir $(PYTHON))$(LINT_CMD)

# mypy --strict as pyproject.toml's [tool.mypy] configures it (the modules not clean yet are
# listed there). CI runs it through tests/test_architecture.py (test_mypy_strict_passes_as_configured).
typecheck:
	$(dir $(PYTHON))mypy

# The same gate as a BuildKit build stage: source bind-mounted read-only, cache on a cache mount.
lint-docker:
	DOCKER_BUILDKIT=1 docker build --progress=plain --target lint .

# The fast set (README's test command): every test but those marked `slow` (pyproject.toml).
test:
	$(PYTHON) -m pytest -q

# The slow tests alone: Django (one cold run shared by its tests), the standard library at size,
# pre-commit and virtual environment builds.
test-slow:
	$(PYTHON) -m pytest -q -m slow

# Everything CI runs: the fast set, then the slow one.
test-all: test test-slow

# Every file of the standard library and the whole Django source distribution, against the real
# isort and black (about 10 minutes on 2 cores).
agreement:
	LINTGATE_AGREEMENT_FULL=1 $(PYTHON) -m pytest -q -m "" tests/test_agreement.py

# The `imports` linter against pyflakes on the whole standard library and on the pinned sdists
# of tests/imports_pyflakes.py (downloaded once into .downloads/); every difference must be one
# that docs/imports.md explains (a few minutes on 2 cores).
imports-agreement:
	mkdir -p .downloads
	for pin in $$($(PYTHON) tests/imports_pyflakes.py); do \
	  d=.downloads/$$(echo $$pin | sed 's/==/-/'); \
	  [ -d $$d ] || { $(PYTHON) -m pip download -q --no-deps --no-binary :all: $$pin -d .downloads \
	    && tar xzf $$d.tar.gz -C .downloads; } || exit 1; \
	done
	LINTGATE_FULL=1 LINTGATE_IMPORTS_CORPORA=1 nice -n 10 $(PYTHON) -m pytest -q -m "" \
	  tests/test_imports_linter.py -k "pyflakes"

# `lintgate --fix` and `--diff` on a copy of every file of the standard library: round trip,
# nothing left but what --fix reported, isort and black agree, broken files untouched
# (prints the numbers).
fix-stdlib:
	LINTGATE_FIX_FULL=1 $(PYTHON) -m pytest -q -m "" -s tests/test_fix_stdlib.py -k standard_library

# The fuzz test (tests/test_fuzz.py) on 10,000 random inputs instead of the default run's 300
# fixed ones, and lines of 100,000 characters: mutated standard-library files and configs, cold,
# warm and --fix (about 770 examples of 13 inputs, 3-5 s each: under an hour on 2 cores).
# FUZZ_COLLECT=DIR keeps every failing example under DIR (and DIR/progress.log) instead of
# stopping at the first.
FUZZ_EXAMPLES ?= 10000
fuzz:
	LINTGATE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) LINTGATE_FUZZ_RANDOM=1 LINTGATE_FUZZ_BIG=1 \
	LINTGATE_FUZZ_COLLECT=$(FUZZ_COLLECT) $(PYTHON) -m pytest -q tests/test_fuzz.py

# Side by side with isort, black, pre-commit and ruff (benchmarks/README.md): every scenario on
# Django, then a cold run on the standard library (one run: black alone takes about 600 CPU
# seconds there). Writes benchmarks/results/latest.md and latest.json. About 80 minutes on 2 cores.
BENCH_RUNS ?= 5
bench:
	$(PYTHON) -m pip install -q -e '.[bench]'
	$(PYTHON) benchmarks/bench.py --corpus django --scenario all --runs $(BENCH_RUNS)
	$(PYTHON) benchmarks/bench.py --corpus stdlib --scenario cold --runs 1 --merge

# External linters (issue 14): lintgate with isort, black, flake8 and mypy against pre-commit
# running the same four tools as local hooks, on rich's sdist (downloaded into .downloads/):
# cold, warm, one file changed, fresh checkout with an imported cache. Writes
# benchmarks/results/external/latest.md (docs/benchmarks.md). About 10 minutes on 2 cores.
bench-external:
	$(PYTHON) -m pip install -q -e '.[test,bench]'
	nice -n 10 $(PYTHON) benchmarks/external.py --runs $(BENCH_RUNS)

# The monorepo rows of issue 15 (benchmarks/monorepo_bench.py): a synthetic tree of
# MONOREPO_FILES files (benchmarks/monorepo.py), cold, warm and one file changed, with peak
# memory; writes benchmarks/results/monorepo.md. The cold run of 100,000 files with every
# default linter takes about an hour of CPU.
MONOREPO_FILES ?= 100000
bench-monorepo:
	$(PYTHON) -m pip install -q -e '.[bench]'
	$(PYTHON) benchmarks/monorepo_bench.py --files $(MONOREPO_FILES) --runs $(BENCH_RUNS)

# A warm no-change run before and after a change (benchmarks/warm_compare.py): BEFORE is the
# other build's lintgate, DIR the project (e.g. Django committed to git).
bench-warm:
	$(PYTHON) benchmarks/warm_compare.py $(DIR) --before $(BEFORE) --after $(dir $(PYTHON))lintgate --callgrind
