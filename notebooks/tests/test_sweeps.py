"""A real sweep (make_runs.sh: the synthetic problem on two targets, channel-wise against layer-wise) read with
load_sweep: its summary's savings recomputed with iso_accuracy from the cells' fronts."""
import math

import pytest

import bitsweep_runs as br


@pytest.fixture(scope="module")
def sweep(runs_dir):
    return br.load_sweep(runs_dir / "sweep")


def test_cells_and_summary_agree(sweep):
    assert sweep.reference_space == "layer-wise"
    assert len(sweep.cells) == 4
    assert list(sweep.summary.run) == list(sweep.cells.run)
    assert set(sweep.summary.status) == {"done"}
    assert len(sweep.runs(space="channel-wise")) == 2
    assert [r.name for r in sweep.runs(target="mpic")] == ["synthetic/mpic/channel-wise/seed-1",
                                                          "synthetic/mpic/layer-wise/seed-1"]


def test_savings_against_the_reference_are_iso_accuracy_headlines(sweep):
    for target in ("mpic", "systolic-16x16-ws"):
        [lw] = sweep.runs(target=target, space="layer-wise")
        [cw] = sweep.runs(target=target, space="channel-wise")
        levels = sorted(set(lw.front().quality), reverse=True)
        table = br.iso_accuracy([lw, cw], levels)
        mine = table[table.run == cw.name]
        row = sweep.summary.set_index("run").loc[cw.name]
        for cost, column in (("weight_bits", "vs_reference_memory_saving_pct"),
                             ("energy_pj", "vs_reference_energy_saving_pct")):
            expected = mine[f"{cost}_saving_pct"].max()
            if math.isnan(expected):
                assert math.isnan(row[column]) or row[column] is None
            else:
                assert row[column] == pytest.approx(expected, rel=1e-9, abs=1e-9), (target, cost)


def test_savings_against_int8(sweep):
    for _, row in sweep.summary.iterrows():
        [run] = [r for r in sweep.runs() if r.name == row.run]
        front = run.front()
        reach = front[front.quality >= row.int8_quality]
        assert row.iso_int8_weight_bits == pytest.approx(reach.weight_bits.min())
        assert row.iso_int8_memory_saving_pct == pytest.approx(100 * (1 - reach.weight_bits.min()
                                                                      / row.int8_weight_bits))


def test_not_a_sweep(runs_dir):
    with pytest.raises(br.NotASweepError, match="no sweep.json"):
        br.load_sweep(runs_dir / "channel-wise")
