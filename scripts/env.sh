#!/usr/bin/env bash
# Creates or updates ./.venv from the pinned lock files (idempotent; sourced by demo.sh and test.sh).
# The environment is rebuilt only when requirements-lock.txt, requirements-dev-lock.txt or
# pyproject.toml changed since the last successful install (a hash stamp lives in .venv/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON_BIN="${PYTHON:-python3}"
stamp_value="$(cat "$ROOT/requirements-lock.txt" "$ROOT/requirements-dev-lock.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.xlt-stamp" 2>/dev/null)" != "$stamp_value" ]; then
  echo "[xlt_allennlp] setting up $VENV (first run takes a few minutes) ..." >&2
  start=$(date +%s)
  "$PYTHON_BIN" -c 'import sys; assert sys.version_info[:2] == (3, 11), "xlt_allennlp needs Python 3.11, found " + sys.version' 
  [ -x "$VENV/bin/python" ] || "$PYTHON_BIN" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --no-deps -r "$ROOT/requirements-lock.txt" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  "$VENV/bin/python" -m pip install --quiet --no-deps -r "$ROOT/requirements-dev-lock.txt" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  # The real source directory, also when ROOT is a copy made of symlinks (the docs tests').
  source_dir="$(cd -P "$ROOT/xlt_allennlp/.." && pwd)"
  "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e "$source_dir" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
  # allennlp auto-imports allennlp_models, whose rc/tools/narrativeqa.py calls nltk.download()
  # for punkt/wordnet at import time when punkt is absent: offline that prints an error block on
  # every command. This package never uses NLTK data; an empty placeholder stops the attempt.
  mkdir -p "$VENV/nltk_data/tokenizers/punkt"
  echo "Placeholder created by xlt_allennlp's scripts/env.sh (see README, Installation)." \
    > "$VENV/nltk_data/tokenizers/punkt/README"
  # allennlp imports names that transformers 5 / huggingface_hub 1 removed, and its dependencies
  # warn, before any plugin runs: a start-up .pth of this venv (and only here) installs the
  # package's start-up hook (xlt_allennlp_startup.py), which adds them just in time.
  rm -f "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/xlt_allennlp_quiet_imports.pth"
  "$VENV/bin/python" -m xlt_allennlp_startup > /dev/null
  echo "$stamp_value" > "$VENV/.xlt-stamp"
  echo "[xlt_allennlp] environment ready in $(( $(date +%s) - start )) s" >&2
fi
export PATH="$VENV/bin:$PATH"
export TOKENIZERS_PARALLELISM="${TOKENIZERS_PARALLELISM:-false}"
# Offline by design: nothing in this project downloads from the model hub.
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"
export TRANSFORMERS_OFFLINE="${TRANSFORMERS_OFFLINE:-1}"
