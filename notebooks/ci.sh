#!/usr/bin/env bash
# CI for the notebooks (called by .ci/run after `./mvnw -B verify`, with BITSWEEP_ASSETS set): installs
# notebooks/requirements.txt into a venv; writes real run directories: the search on Spark with the synthetic test
# problem (make_runs.sh) and `bin/bitsweep search` on IC ResNet-8 (make_cli_runs.sh); runs the helper's pytest tests
# against both; executes every notebook headless (fronts.ipynb on the IC ResNet-8 runs, sweeps.ipynb on the synthetic
# sweep make_runs.sh writes) and fails on any cell error.
# Artifacts: target/notebooks/*.ipynb (executed, with figures), target/notebooks/front-points.csv,
# target/notebooks/pytest.xml; runs in target/notebook-runs and target/notebook-cli-runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/target/notebooks-venv"
OUT="$ROOT/target/notebooks"
RUNS="$ROOT/target/notebook-runs"
CLI_RUNS="$ROOT/target/notebook-cli-runs"
mkdir -p "$OUT"

echo "notebooks-ci: installing notebooks/requirements.txt into $VENV"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
# --retries 0: an unreachable default index is skipped at once instead of retried (the configured indexes serve).
"$VENV/bin/python" -m pip install -q --retries 0 -r notebooks/requirements.txt

echo "notebooks-ci: writing run directories with the search (Spark local[2])"
notebooks/make_runs.sh "$RUNS"
echo "notebooks-ci: writing run directories with bin/bitsweep search on IC ResNet-8"
notebooks/make_cli_runs.sh "$CLI_RUNS"

echo "notebooks-ci: pytest"
BITSWEEP_TEST_RUNS="$RUNS" BITSWEEP_TEST_CLI_RUNS="$CLI_RUNS" \
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider --junitxml="$OUT/pytest.xml" notebooks/tests

echo "notebooks-ci: executing notebooks"
BITSWEEP_RUNS="$CLI_RUNS/ic-channel-wise,$CLI_RUNS/ic-layer-wise,$CLI_RUNS/ic-bfp" BITSWEEP_SWEEP="$RUNS/sweep" \
  BITSWEEP_FRONT_CSV="$OUT/front-points.csv" "$VENV/bin/python" notebooks/run_notebooks.py "$OUT"
echo "notebooks-ci: ok (executed notebooks in $OUT)"
