#!/usr/bin/env bash
# The test suite: sets up .venv if needed, then runs ruff and pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/env.sh
ruff check xlt_allennlp tests benchmarks fixtures scripts
python -m pytest "$@"
