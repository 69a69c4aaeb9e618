#!/usr/bin/env bash
# The test suite: sets up .venv if needed, then runs ruff and pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
ruff check xlt_allennlp tests benchmarks fixtures scripts
# Two worker processes (pytest-xdist; CI has 2 cores); the tests that share a trained fixture
# run stay in one worker (tests/conftest.py). XLT_TEST_WORKERS=0 runs in this process.
python -m pytest -n "${XLT_TEST_WORKERS:-2}" "$@"
