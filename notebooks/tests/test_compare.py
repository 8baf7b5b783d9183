"""`bitsweep compare` against bitsweep_runs.iso_accuracy and .coverage on the same runs: the same iso-accuracy table
and the same points matched."""
import json
import math
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import bitsweep_runs as br

REPO = Path(__file__).resolve().parents[2]


def compare(paths, out, *extra):
    """Runs bin/bitsweep compare; returns (exit code, stdout, stderr)."""
    cmd = [str(REPO / "bin" / "bitsweep"), "compare", *map(str, paths), "--out", str(out), *extra]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    # The JVM's own notice about the Vector API module comes before anything bitsweep prints.
    err = "".join(l for l in p.stderr.splitlines(keepends=True) if not l.startswith("WARNING: Using incubator"))
    return p.returncode, p.stdout, err


def assert_same_table(csv, ours):
    assert list(csv.columns) == list(ours.columns)
    assert len(csv) == len(ours)
    for col in csv.columns:
        for i, (a, b) in enumerate(zip(csv[col], ours[col])):
            if col == "run" or col.endswith("_point"):
                # A run without a point at a level: empty in the CSV, None or NaN in the helper's frame (pandas 3
                # infers a str column, whose missing value is NaN).
                assert (a if isinstance(a, str) else None) == (b if isinstance(b, str) else None), f"row {i} {col}"
            elif isinstance(b, float) and math.isnan(b):
                assert math.isnan(a), f"row {i} {col}: {a} where the notebook has none"
            else:
                assert a == pytest.approx(b, rel=1e-9, abs=1e-6), f"row {i} {col}"


@pytest.mark.parametrize("names", [("channel-wise", "layer-wise"), ("layer-wise", "channel-wise", "bfp")])
def test_compare_equals_the_notebook_helper(runs_dir, tmp_path, names):
    paths = [runs_dir / n for n in names]
    code, out, err = compare(paths, tmp_path / "cmp")
    assert code == 0, err
    assert out.startswith("iso-accuracy: "), out
    assert f"{names[1]} against {names[0]} at iso-accuracy" in out
    csv = pd.read_csv(tmp_path / "cmp" / "iso-accuracy.csv", dtype={"run": str}, keep_default_na=True)
    ours = br.iso_accuracy(br.load_runs([str(p) for p in paths]))
    assert_same_table(csv, ours)
    for f in ("compare.html", "compare.png"):
        assert (tmp_path / "cmp" / f).stat().st_size > 1000


def test_compare_on_the_ic_runs(cli_runs_dir, tmp_path):
    """The issue's case: a channel-wise and a layer-wise search of IC ResNet-8, table printed and equal."""
    paths = [cli_runs_dir / "ic-layer-wise", cli_runs_dir / "ic-channel-wise"]
    code, out, err = compare(paths, tmp_path / "cmp", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "bitsweep.compare/1"
    assert [r["name"] for r in doc["runs"]] == ["ic-layer-wise", "ic-channel-wise"]
    csv = pd.read_csv(tmp_path / "cmp" / "iso-accuracy.csv", dtype={"run": str})
    ours = br.iso_accuracy(br.load_runs([str(p) for p in paths]))
    assert_same_table(csv, ours)
    assert len(doc["iso_accuracy"]) * 2 == len(ours)
    # The coverage line: the notebook helper on the final archives counts the same layer-wise points matched.
    lw, cw = br.load_runs([str(p) for p in paths])
    cov = br.coverage(lw, cw, equal_evaluations=False)
    assert doc["coverage"] == [{"run": "ic-channel-wise", "against": "ic-layer-wise", "points": len(cov.points),
                                "objectives": list(lw.objectives), "covered": cov.matched}]
    code, text, err = compare(paths, tmp_path / "cmp2")
    assert code == 0, err
    print(text)  # the table, in pytest's captured output


def test_compare_refuses_runs_of_different_data(runs_dir, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(runs_dir / "layer-wise", other)
    manifest = json.loads((other / "run.json").read_text())
    manifest["sha256"]["data"] = "0" * 64
    (other / "run.json").write_text(json.dumps(manifest))
    code, out, err = compare([runs_dir / "channel-wise", other], tmp_path / "cmp")
    assert code == 1
    assert err.startswith("error: runs of different data cannot be compared") and "0" * 64 in err, err
    assert len(err.strip().splitlines()) == 1
