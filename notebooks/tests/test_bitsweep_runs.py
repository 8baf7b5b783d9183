"""bitsweep_runs against run directories the search wrote on real Spark, and copies of them made incomplete."""
import json
import math
import re
import shutil
import warnings

import pandas as pd
import pyarrow.parquet as pq
import pytest

import bitsweep_runs as br

FINISHED = ("channel-wise", "layer-wise", "bfp")
# Every finished run: the synthetic ones (search-driver's NotebookRunsTest) and the CLI's on IC ResNet-8.
ALL_FINISHED = FINISHED + ("ic-channel-wise", "ic-layer-wise", "ic-bfp")


def load(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", br.IncompleteRunWarning)  # a finished run must not warn
        return br.load_run(path, **kw)


@pytest.fixture(params=ALL_FINISHED)
def finished(request):
    """(name, path) of one finished run."""
    name = request.param
    root = request.getfixturevalue("cli_runs_dir" if name.startswith("ic-") else "runs_dir")
    return name, root / name


@pytest.fixture
def copy_of(runs_dir, tmp_path):
    def copy(name):
        dst = tmp_path / name
        shutil.copytree(runs_dir / name, dst)
        return dst
    return copy


def report_data(run_dir):
    """The data report.html draws (its script element with id report-data), as the search wrote it."""
    html = (run_dir / "report.html").read_text()
    m = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', html, re.S)
    assert m, f"{run_dir}/report.html has no report-data element"
    return json.loads(m.group(1))


def report_hypervolumes(run_dir):
    """The hypervolume per generation report.html shows, as the search computed it."""
    return {g["generation"]: g["hypervolume"] for g in report_data(run_dir)["generations"]}


@pytest.mark.parametrize("name,strategy", [("channel-wise", "channel-wise"), ("layer-wise", "layer-wise"),
                                           ("bfp", "bfp")])
def test_finished_run_metadata(runs_dir, name, strategy):
    run = load(runs_dir / name)
    assert run.name == name
    assert run.finished and not run.in_progress
    assert run.generations == [0, 1, 2, 3, 4, 5]
    assert run.strategy == strategy
    assert run.objectives == ["accuracy", "weight-bits", "cycles"]
    assert run.quality_metric == "accuracy"
    assert run.manifest["seed"] == 7 and run.config["population"] == 12
    info = run.info()
    assert info["generations"] == "6/6" and info["front_size"] == len(run.front())


def test_tables_read_every_complete_generation(runs_dir):
    run = load(runs_dir / "channel-wise")
    ev = run.evaluations()
    assert ev.groupby("generation").size().to_dict() == {g: 12 for g in range(6)}
    assert "assignment" not in ev.columns and "genome" not in ev.columns
    heavy = run.evaluations(0, heavy=True)
    assert json.loads(heavy.assignment.iloc[0])["schema"] == "bitsweep.assignment/1"
    pop = run.population()
    assert pop.groupby("snapshot").size().to_dict() == {g: 12 for g in range(6)}
    assert (run.archive().groupby("snapshot").size() <= 10).all()
    with pytest.raises(br.RunStoreError, match="generation 9 is not complete"):
        run.evaluations(9)
    with pytest.raises(ValueError, match="unknown table 'fronts'"):
        run.table("fronts")


def test_front_is_front_csv_and_the_last_archive(finished):
    name, path = finished
    run = load(path)
    front = run.front()
    csv = pd.read_csv(path / "front.csv")
    assert front.id.tolist() == csv.id.tolist()
    assert front.quality.tolist() == csv.accuracy.tolist()
    assert sorted(front.id) == sorted(run.archive(run.last_generation).id)
    assert front.weight_bits.is_monotonic_increasing
    assert (front.run == name).all() and (front.quality_metric == "accuracy").all()
    for f in front.assignment:
        assert (path / f).is_file()


def test_hypervolume_matches_the_search_report(finished):
    name, path = finished
    run = load(path)
    printed = report_hypervolumes(path)
    assert sorted(printed) == run.generations
    ours = run.hypervolume()
    for g, hv in zip(ours.generation, ours.hypervolume):
        assert hv == pytest.approx(printed[g], abs=1e-7), f"generation {g}"
    # A nearer reference point cuts off volume.
    assert (run.hypervolume(reference=1.0).hypervolume < ours.hypervolume).all()
    assert ours.archive_size.tolist() == run.archive().groupby("snapshot").size().tolist()


def test_objective_scales_are_the_int8_baseline(runs_dir):
    run = load(runs_dir / "channel-wise")
    base = run.baselines().set_index("baseline")
    assert "w=int8,a=int8" in base.index and "w=int4,a=int8" in base.index
    scales = run.objective_scales()
    assert scales == {"accuracy": 1.0, "weight-bits": base.loc["w=int8,a=int8", "weight_bits"],
                      "cycles": base.loc["w=int8,a=int8", "cycles"]}
    m = run.objective_matrix(base.loc[["w=int8,a=int8"]])
    assert m[0, 1:].tolist() == [1.0, 1.0]
    assert m[0, 0] == pytest.approx(1 - base.loc["w=int8,a=int8", "quality"])


def test_channel_counts_come_from_split_layers(runs_dir):
    counts = load(runs_dir / "channel-wise").channel_counts()
    assert counts["conv_2d_1"] == 16 and counts["depthwise_conv_2d_0"] == 16
    assert "fully_connected_0" not in counts  # per-layer by config: never split, so its width is unknown


def test_bit_allocation_of_every_front_point(finished):
    name, path = finished
    run = load(path)
    counts = run.channel_counts()
    for point in run.front().id:
        doc = json.loads((path / "best" / f"{point}.json").read_text())
        alloc = run.bit_allocation(point)
        matrix = run.bit_matrix(point)
        summary = run.layer_summary(point)
        # ADD entries (an ADD's output format, e.g. int8:pot in a search with scale genes) have no weights: no rows.
        layers = {k: v for k, v in doc["layers"].items() if not (k.startswith("add_") and "weights" not in v)}
        assert list(matrix.index) == list(layers) == list(summary.index)
        for layer, spec in layers.items():
            rows = alloc[alloc.layer == layer]
            assert (rows.activations == spec["activations"]).all()
            if isinstance(spec["weights"], list):
                assert rows.weights.tolist() == spec["weights"]
                assert rows.channel.tolist() == list(range(len(spec["weights"])))
                assert matrix.loc[layer, :len(spec["weights"]) - 1].tolist() == \
                    [br.bits_per_element(w) for w in spec["weights"]]
                assert summary.loc[layer, "channels"] == len(spec["weights"])
            else:
                assert set(rows.weights) == {spec["weights"]}
                assert len(rows) == counts.get(layer, 1)
        assert summary.filter(like="share_").sum(axis=1).round(9).eq(1).all()


def test_bfp_formats_have_amortised_bits(runs_dir):
    run = load(runs_dir / "bfp")
    specs = set()
    for point in run.front().id:
        specs |= set(run.bit_allocation(point).weights)
    assert any(s.startswith("bfp:m4:b") for s in specs), specs
    for s in specs:
        assert not math.isnan(br.bits_per_element(s)), s


@pytest.mark.parametrize("name", ("ic-channel-wise", "ic-layer-wise", "ic-bfp"))
def test_layer_costs_of_every_front_point_sum_to_its_costs(cli_runs_dir, name):
    run = load(cli_runs_dir / name)
    front = run.front()
    for p in front.itertuples():
        layers = run.layer_costs(p.id)
        assert list(layers.columns) == br.LAYER_COST_COLUMNS
        assert len(layers) > 10 and "total" not in set(layers.layer), p.id
        assert set(layers.op) <= {"conv", "depthwise", "fc", "add", "pool"}, p.id
        assert (layers.total_cycles == layers.compute_cycles + layers.requant_cycles + layers.stall_cycles).all(), p.id
        assert (layers.requant_energy_pj <= layers.energy_pj).all(), p.id
        # front.csv prints cycles and energy with one decimal; each layer's energy has three
        assert layers.total_cycles.sum() == p.cycles, p.id
        assert layers.energy_pj.sum() == pytest.approx(p.energy_pj, abs=0.05 + 0.0005 * len(layers)), p.id
        total = pd.read_csv(run.path / "best" / f"{p.id}.hwsim.csv").iloc[-1]
        assert total.layer == "total" and total.total_cycles == p.cycles, p.id


def test_layer_costs_of_a_run_without_them_say_why(runs_dir):
    # The synthetic problem has no hardware model, like a run written before per-layer costs were stored.
    run = load(runs_dir / "channel-wise")
    with pytest.raises(br.MissingDataError, match=r"hwsim\.csv.*per candidate only.*rerun the search"):
        run.layer_costs(run.front().id.iloc[0])


def test_layer_costs_of_a_point_off_the_front(runs_dir):
    run = load(runs_dir / "channel-wise")
    off = sorted(set(run.evaluations().id) - set(run.front().id))[0]
    with pytest.raises(br.MissingDataError, match="final front's points only"):
        run.layer_costs(off)


def test_layer_costs_of_an_unfinished_run(runs_dir):
    with pytest.warns(br.IncompleteRunWarning):
        run = br.load_run(runs_dir / "interrupted")
    with pytest.raises(br.MissingDataError, match="has not finished"):
        run.layer_costs(run.front().id.iloc[0])


def test_a_corrupt_layer_costs_file_is_named(cli_runs_dir, tmp_path):
    dst = tmp_path / "ic-channel-wise"
    shutil.copytree(cli_runs_dir / "ic-channel-wise", dst)
    run = load(dst)
    point = run.front().id.iloc[0]
    (dst / "best" / f"{point}.hwsim.csv").write_text("layer,cycles\nconv_2d_0,12\n")
    with pytest.raises(br.RunStoreError, match=r"hwsim\.csv: not a hw-sim per-layer CSV"):
        run.layer_costs(point)


def test_not_a_run_directory(tmp_path):
    with pytest.raises(br.NotARunError) as e:
        br.load_run(tmp_path)
    assert str(e.value) == f"{tmp_path} is not a BitSweep run directory: no run.json"
    with pytest.raises(br.NotARunError, match="no such directory"):
        br.load_run(tmp_path / "missing")
    (tmp_path / "run.json").write_text('{"schema": "something/else"}')
    with pytest.raises(br.NotARunError, match="schema 'something/else', expected bitsweep.run/1"):
        br.load_run(tmp_path)
    (tmp_path / "run.json").write_text("{ no json")
    with pytest.raises(br.NotARunError, match="run.json is not valid JSON"):
        br.load_run(tmp_path)


def test_generation_without_marker_is_skipped_with_a_warning(copy_of):
    path = copy_of("channel-wise")
    (path / "generations" / "gen=00005" / "_COMPLETE").unlink()
    with pytest.warns(br.IncompleteRunWarning, match=r"in progress.*0\.\.4 of 6.*skipped without _COMPLETE: gen=00005"):
        run = br.load_run(path)
    assert run.generations == [0, 1, 2, 3, 4] and run.incomplete == ["gen=00005"]
    assert run.in_progress
    assert set(run.evaluations().generation) == {0, 1, 2, 3, 4}
    front = run.front()
    assert sorted(front.id) == sorted(pq.read_table(path / "generations/gen=00004/archive.parquet").column("id")
                                      .to_pylist())
    assert run.hypervolume().generation.tolist() == [0, 1, 2, 3, 4]


def test_interrupted_run_loads_its_complete_generations(runs_dir):
    with pytest.warns(br.IncompleteRunWarning, match=r"0\.\.1 of 6"):
        run = br.load_run(runs_dir / "interrupted")
    assert run.generations == [0, 1] and run.incomplete == [] and run.in_progress
    front = run.front()
    assert (front.assignment == "").all()  # no best/ files yet: assignments come from the evaluations table
    alloc = run.bit_allocation(front.id.iloc[0])
    assert set(alloc.layer) == {"conv_2d_0", "conv_2d_1", "depthwise_conv_2d_0", "fully_connected_0"}
    with pytest.raises(br.RunStoreError, match="no candidate 'g00003-0000'"):
        run.assignment("g00003-0000")


def test_no_complete_generation(copy_of):
    path = copy_of("interrupted")
    for marker in path.glob("generations/*/_COMPLETE"):
        marker.unlink()
    with pytest.raises(br.NoCompleteGenerationError, match="no complete generation yet.*gen=00000, gen=00001 has none"):
        br.load_run(path)
    shutil.rmtree(path / "generations")
    with pytest.raises(br.NoCompleteGenerationError, match=r"no complete generation yet \(a generation counts"):
        br.load_run(path)


def test_runs_from_env_and_overlay_tables(runs_dir, monkeypatch):
    monkeypatch.setenv(br.ENV_VAR, ",".join(str(runs_dir / n) for n in FINISHED) + ",")
    runs = br.runs_from_env(default="ignored")
    assert [r.name for r in runs] == list(FINISHED)
    fronts = br.fronts(runs)
    assert fronts.groupby("run", sort=False).size().index.tolist() == list(FINISHED)
    hv = br.hypervolumes(runs)
    assert hv.groupby("run").size().tolist() == [6, 6, 6]
    assert br.summary(runs).strategy.tolist() == ["channel-wise", "layer-wise", "bfp"]
    monkeypatch.delenv(br.ENV_VAR)
    assert [r.name for r in br.runs_from_env(str(runs_dir / "bfp"))] == ["bfp"]
    with pytest.raises(br.RunStoreError, match="set BITSWEEP_RUNS"):
        br.runs_from_env()


def test_runs_with_the_same_name_are_told_apart(runs_dir, copy_of):
    other = copy_of("bfp")
    runs = br.load_runs([runs_dir / "bfp", other])
    assert runs[0].name == f"{runs_dir.name}/bfp" and runs[1].name == f"{other.parent.name}/bfp"


@pytest.mark.parametrize("spec,bits", [("int8", 8), ("int4", 4), ("int4:asym", 4), ("int4:pot", 4), ("int2", 2),
                                       ("pruned", 0), ("fp32", 32), ("bfp:m4:b16", 4.5), ("bfp:m4:b32", 4.25),
                                       ("mxint8", 8.25), ("mxfp8_e4m3", 8.25), ("mxfp4_e2m1", 4.25)])
def test_bits_per_element(spec, bits):
    assert br.bits_per_element(spec) == bits


def test_bits_per_element_of_an_unknown_spec_is_nan():
    assert math.isnan(br.bits_per_element("posit8"))


@pytest.mark.parametrize("name", ("ic-channel-wise", "ic-layer-wise"))
def test_sensitivity_profile_has_a_row_per_layer_and_format(cli_runs_dir, name):
    run = load(cli_runs_dir / name)
    sens = run.sensitivity()
    assert (sens.kind == "baseline").sum() == 1
    layers = sens[(sens.kind == "weights") & (sens.channel == -1)]
    assert set(layers.format) == {"int8", "int4", "int2", "pruned"}, set(layers.format)
    base = layers[layers.format_index == 0]
    assert (base.delta_loss == 0).all() and (base.samples == sens[sens.kind == "baseline"].samples.iloc[0]).all()
    channels = sens[sens.channel >= 0]
    assert len(channels) > 0 and (channels.error_energy >= 0).all()
    splits = run.splits()
    assert splits["schema"] == "bitsweep.splits/1"
    assert not set(splits["calibration"]["ids"]) & set(splits["evaluation"]["order"])


def test_sensitivity_of_a_run_without_a_profile_says_why(runs_dir, copy_of):
    run = load(copy_of("channel-wise"))
    (run.path / "sensitivity.parquet").unlink(missing_ok=True)
    with pytest.raises(br.MissingDataError, match="profile = off"):
        run.sensitivity()


def test_sample_evaluations_count_the_profile_and_what_racing_saved(cli_runs_dir):
    run = load(cli_runs_dir / "ic-channel-wise")
    ev = run.sample_evaluations()
    assert ev.generation.iloc[0] == -1 and ev.sample_evaluations.iloc[0] > 0
    gens = ev[ev.generation >= 0]
    assert (gens.sample_evaluations <= gens.without_racing).all()
    assert (gens.candidates > 0).all()


def test_a_run_covers_itself(runs_dir):
    run = load(runs_dir / "layer-wise")
    c = br.coverage(run, run)
    assert c.reference_generation == c.challenger_generation == run.last_generation
    assert c.matched == len(c.points) == len(run.archive(run.last_generation)) > 0


def test_coverage_reads_both_runs_at_equal_evaluations(cli_runs_dir):
    lw, cw = load(cli_runs_dir / "ic-layer-wise"), load(cli_runs_dir / "ic-channel-wise")
    c = br.coverage(lw, cw)
    totals = []
    for run, g, spent in ((lw, c.reference_generation, c.reference_evaluations),
                          (cw, c.challenger_generation, c.challenger_evaluations)):
        e = run.sample_evaluations()
        assert spent == e[e.generation <= g].sample_evaluations.sum()  # the profile (generation -1) counted
        totals.append((run, g, e))
    budget = min(int(e.sample_evaluations.sum()) for _, _, e in totals)
    for run, g, e in totals:
        assert e[e.generation <= g].sample_evaluations.sum() <= budget
        if g < run.last_generation:  # the next generation would have spent more than the other run's total
            assert e[e.generation <= g + 1].sample_evaluations.sum() > budget
    # a point is matched exactly when some challenger point is at least as good in accuracy, weight bits and cycles
    challengers = list(cw.archive(c.challenger_generation).itertuples())
    ids = set(lw.archive(c.reference_generation).id)
    assert set(c.points.id) == ids
    for p in c.points.itertuples():
        covering = sorted(q.id for q in challengers
                          if q.quality >= p.quality and q.weight_bits <= p.weight_bits and q.cycles <= p.cycles)
        assert p.matched_by == (covering[0] if covering else None), p.id
    assert 0 < c.matched <= len(c.points)
    assert f"matches {c.matched} of {len(c.points)} points of ic-layer-wise" in str(c)


def test_coverage_of_runs_with_other_objectives_is_refused(runs_dir, copy_of):
    other = copy_of("channel-wise")
    manifest = json.loads((other / "run.json").read_text())
    manifest["config"]["bitsweep"]["search"]["objectives"] = ["accuracy", "weight-bits"]
    (other / "run.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="must be the same"):
        br.coverage(load(runs_dir / "layer-wise"), load(other))


def test_coverage_says_when_one_run_spent_more_before_its_first_generation_than_the_other_in_all(cli_runs_dir,
                                                                                                   tmp_path):
    # A copy of the layer-wise run cut to generation 0 and without its profile has spent less in all than the
    # channel-wise run had after its profile and first generation.
    short = tmp_path / "short"
    shutil.copytree(cli_runs_dir / "ic-layer-wise", short)
    (short / "sensitivity.parquet").unlink()
    for g in (short / "generations").iterdir():
        if g.name != "gen=00000":
            shutil.rmtree(g)
    with pytest.warns(br.IncompleteRunWarning):
        cut = br.load_run(short)
    with pytest.raises(ValueError, match="ic-channel-wise's first complete generation alone took"):
        br.coverage(load(cli_runs_dir / "ic-channel-wise"), cut)
