#!/usr/bin/env bash
# The test suite: sets up .venv if needed, then runs ruff, the docs build and pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
ruff check xlt_allennlp xlt_allennlp_startup.py tests benchmarks fixtures scripts docs
# The docs site (mkdocs.yml): --strict fails on a broken link, a page missing from the nav or an
# API reference entry that no longer exists.
site_dir="$(mktemp -d)"
NO_MKDOCS_2_WARNING=1 mkdocs build --strict --site-dir "$site_dir"
rm -rf "$site_dir"
# Two worker processes (pytest-xdist; CI has 2 cores); the tests that share a trained fixture
# run stay in one worker (tests/conftest.py). XLT_TEST_WORKERS=0 runs in this process.
# One torch thread per process unless set: two workers (and the commands they start) with two
# threads each would share 2 cores four ways (measured: the suite takes ~17% longer). No test
# depends on the thread count.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
python -m pytest -n "${XLT_TEST_WORKERS:-2}" "$@"
