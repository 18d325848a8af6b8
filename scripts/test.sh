#!/usr/bin/env bash
# Run the tests (lint, types, pytest). Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check src tests bench
echo "== mypy"; mypy
echo "== pytest"; pytest -n 2 -q "$@"
echo "== evaluate (quick)"; python bench/evaluate.py --quick --failures 5
