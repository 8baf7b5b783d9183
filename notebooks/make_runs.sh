#!/usr/bin/env bash
# Writes real BitSweep run directories for the notebooks' tests and CI: the search on real Spark (local[2]) with the
# synthetic test problem, searched channel-wise, layer-wise and with BFP, plus a run interrupted after generation 1
# (search-driver's NotebookRunsTest). Usage: notebooks/make_runs.sh OUT_DIR
# OUT_DIR must be new, empty, or written by this script before (then it is replaced).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
MARK=.bitsweep-notebook-runs
if [[ -n "$(ls -A "$OUT")" && ! -f "$OUT/$MARK" ]]; then
  echo "make_runs: $OUT is not empty and was not written by make_runs.sh: refusing to replace it" >&2
  exit 1
fi
rm -rf "$OUT" && mkdir -p "$OUT" && touch "$OUT/$MARK"
cd "$ROOT"
export SPARK_LOCAL_IP=127.0.0.1
./mvnw -B -o -q -pl search-driver -am test -Dtest=NotebookRunsTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbitsweep.notebook.runs="$OUT"
for run in channel-wise layer-wise bfp interrupted sweep/sweep.json; do
  f="$OUT/$run"; [[ "$run" == *.json ]] || f="$f/run.json"
  test -f "$f" || { echo "make_runs: $f was not written" >&2; exit 1; }
done
echo "make_runs: wrote $(ls "$OUT" | tr '\n' ' ')in $OUT"
