# The gate on this repository, the tests, and the long runs kept out of the default test run.
PYTHON ?= .venv/bin/python

.PHONY: venv lint test agreement bench

venv:
	python3 -m venv .venv
	.venv/bin/pip install -e '.[test]'

lint:
	$(PYTHON) -m lintgate

test:
	$(PYTHON) -m pytest -q

# Every file of the standard library and the whole Django source distribution, against the real
# isort and black (about 10 minutes on 2 cores).
agreement:
	LINTGATE_AGREEMENT_FULL=1 $(PYTHON) -m pytest -q tests/test_agreement.py

# Side by side with isort, black, pre-commit and ruff (benchmarks/README.md): every scenario on
# Django, then a cold run on the standard library (one run: black alone takes about 600 CPU
# seconds there). Writes benchmarks/results/latest.md and latest.json. About an hour on 2 cores.
BENCH_RUNS ?= 5
bench:
	$(PYTHON) -m pip install -q -e '.[bench]'
	$(PYTHON) benchmarks/bench.py --corpus django --scenario all --runs $(BENCH_RUNS)
	$(PYTHON) benchmarks/bench.py --corpus stdlib --scenario cold --runs 1 --merge
