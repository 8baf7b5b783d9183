#!/usr/bin/env bash
# Writes run directories with the real CLI on a real model: `bin/bitsweep search` on IC ResNet-8 (MLPerf Tiny,
# conf/search/ic-resnet8-mpic.conf) on one target that runs both integer and BFP layers (conf/hw/bfp-16x16-os.conf;
# MPIC has no BFP), with small budgets so CI stays short, three ways: ic-channel-wise (the config's space),
# ic-layer-wise (granularity per-layer), ic-bfp (per-layer int8 / BFP m4 / pruned). No memory budget: the
# int8 model exceeds this target's weight memory, and a short search needs the int8 baseline feasible.
# Needs the assets ($BITSWEEP_ASSETS, as bin/bitsweep resolves them).
# Usage: notebooks/make_cli_runs.sh OUT_DIR   (OUT_DIR must be new, empty, or written by this script before.)
# Budget: BITSWEEP_NB_POPULATION (8), BITSWEEP_NB_GENERATIONS (3), BITSWEEP_NB_SAMPLES (100 evaluation samples).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
MARK=.bitsweep-notebook-cli-runs
if [[ -n "$(ls -A "$OUT")" && ! -f "$OUT/$MARK" ]]; then
  echo "make_cli_runs: $OUT is not empty and was not written by make_cli_runs.sh: refusing to replace it" >&2
  exit 1
fi
rm -rf "$OUT" && mkdir -p "$OUT" && touch "$OUT/$MARK"
cd "$ROOT"
budget=(--set hw.target=bfp-16x16-os --set constraints.memory-budget=none
        --set "population=${BITSWEEP_NB_POPULATION:-8}" --set "generations=${BITSWEEP_NB_GENERATIONS:-3}"
        --set "splits.evaluation.samples=${BITSWEEP_NB_SAMPLES:-100}" --no-progress)
search() {
  local name=$1; shift
  echo "make_cli_runs: $name"
  bin/bitsweep search --config conf/search/ic-resnet8-mpic.conf --out "$OUT/$name" "${budget[@]}" "$@"
}
search ic-channel-wise
search ic-layer-wise --set space.default.granularity=per-layer
search ic-bfp --set space.default.granularity=per-layer --set 'space.default.weights=[int8, "bfp:m4", pruned]' \
  --set 'space.layers=[]'
echo "make_cli_runs: wrote ic-channel-wise ic-layer-wise ic-bfp in $OUT"
