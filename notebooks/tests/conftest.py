"""Fixtures: real run directories written by the search (search-driver's NotebookRunsTest via make_runs.sh).

$BITSWEEP_TEST_RUNS names a directory already holding them (notebooks/ci.sh sets it); otherwise they are written
once to target/notebook-runs, which takes about a minute and a half.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1]
REPO = NOTEBOOKS.parent
sys.path.insert(0, str(NOTEBOOKS))
RUN_NAMES = ("channel-wise", "layer-wise", "bfp", "interrupted")
CLI_RUN_NAMES = ("ic-channel-wise", "ic-layer-wise", "ic-bfp")


@pytest.fixture(scope="session")
def runs_dir() -> Path:
    given = os.environ.get("BITSWEEP_TEST_RUNS")
    out = Path(given) if given else REPO / "target" / "notebook-runs"
    if not all((out / n / "run.json").is_file() for n in RUN_NAMES):
        if given:
            pytest.fail(f"BITSWEEP_TEST_RUNS={given} does not hold the runs {', '.join(RUN_NAMES)}")
        subprocess.run([str(NOTEBOOKS / "make_runs.sh"), str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def cli_runs_dir() -> Path:
    """Runs of `bitsweep search` on IC ResNet-8 (make_cli_runs.sh), named by $BITSWEEP_TEST_CLI_RUNS (ci.sh sets it).

    Writing them takes minutes, so tests that need them are skipped when it is unset.
    """
    given = os.environ.get("BITSWEEP_TEST_CLI_RUNS")
    if not given:
        pytest.skip("BITSWEEP_TEST_CLI_RUNS is unset (notebooks/make_cli_runs.sh writes these runs)")
    out = Path(given)
    missing = [n for n in CLI_RUN_NAMES if not (out / n / "run.json").is_file()]
    if missing:
        pytest.fail(f"BITSWEEP_TEST_CLI_RUNS={given} does not hold the runs {', '.join(missing)}")
    return out
