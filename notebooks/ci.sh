#!/usr/bin/env bash
# CI for the notebooks (called by .ci/run after `./mvnw -B verify`): installs notebooks/requirements.txt into a venv,
# writes real run directories with the search (make_runs.sh), runs the helper's pytest tests against them, then
# executes every notebook headless against them and fails on any cell error.
# Artifacts: target/notebooks/*.ipynb (executed, with figures), target/notebooks/front-points.csv,
# target/notebooks/pytest.xml; runs in target/notebook-runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/notebooks-venv"
OUT="$ROOT/target/notebooks"
RUNS="$ROOT/target/notebook-runs"
mkdir -p "$OUT"

echo "notebooks-ci: installing notebooks/requirements.txt into $VENV"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
# --retries 0: an unreachable default index is skipped at once instead of retried (the configured indexes serve).
"$VENV/bin/python" -m pip install -q --retries 0 -r notebooks/requirements.txt

echo "notebooks-ci: writing run directories with the search (Spark local[2])"
notebooks/make_runs.sh "$RUNS"

echo "notebooks-ci: pytest"
BITSWEEP_TEST_RUNS="$RUNS" "$VENV/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$OUT/pytest.xml" \
  notebooks/tests

echo "notebooks-ci: executing notebooks"
BITSWEEP_RUNS="$RUNS/channel-wise,$RUNS/layer-wise,$RUNS/bfp" BITSWEEP_FRONT_CSV="$OUT/front-points.csv" \
  "$VENV/bin/python" notebooks/run_notebooks.py "$OUT"
echo "notebooks-ci: ok (executed notebooks in $OUT)"
