"""Load BitSweep run directories into pandas DataFrames.

A run directory (docs/RUN-STORE.md, written by ``bitsweep search``) holds::

    run.json                                  provenance: resolved config, seed, versions, model/data sha256
    generations/gen=00007/{population,evaluations,archive}.parquet, _COMPLETE
    front.csv, front.png, report.html, best/<point-id>.json, best/<point-id>.hwsim.csv

Only generations with a ``_COMPLETE`` marker are read: a generation directory without it is being written (or its
run was killed while writing it) and is skipped with an :class:`IncompleteRunWarning`.

Typical use::

    import bitsweep_runs as br
    runs = br.load_runs("runs/a,runs/b")          # or br.runs_from_env() for $BITSWEEP_RUNS
    front = br.fronts(runs)                       # one row per front point, column "run"
    br.hypervolumes(runs)                         # hypervolume of the archive after each generation
    runs[0].bit_matrix(front.id.iloc[0])          # layers x channels weight bits of one point
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

__all__ = [
    "RunStoreError", "NotARunError", "NoCompleteGenerationError", "MissingDataError", "IncompleteRunWarning",
    "Run", "load_run", "load_runs", "runs_from_env", "fronts", "hypervolumes", "summary", "bits_per_element",
    "iso_accuracy", "ENV_VAR", "LAYER_COST_COLUMNS", "ISO_COSTS", "Sweep", "load_sweep", "NotASweepError",
    "Coverage", "coverage",
]

ENV_VAR = "BITSWEEP_RUNS"
RUN_SCHEMA = "bitsweep.run/1"
SWEEP_SCHEMA = "bitsweep.sweep/1"
ASSIGNMENT_SCHEMA = "bitsweep.assignment/1"
COMPLETE = "_COMPLETE"
TABLES = ("population", "evaluations", "archive")
_GEN_DIR = re.compile(r"gen=(\d{5})")
# The columns that are large (one JSON document or genome per row); left out unless asked for.
_HEAVY = ("genome", "assignment", "correct_positions")
# Objective key (run.json) -> the column holding its value, and whether users read it "higher is better".
_OBJECTIVE_COLUMNS = {"accuracy": "quality", "auc": "quality", "weight-bits": "weight_bits", "cycles": "cycles",
                      "energy": "energy_pj"}


class RunStoreError(ValueError):
    """A run directory cannot be read as asked; the message names the path and what is wrong."""


class NotARunError(RunStoreError):
    """The directory is not a BitSweep run directory."""


class NoCompleteGenerationError(RunStoreError):
    """The run has no generation with a _COMPLETE marker yet."""


LAYER_COST_COLUMNS = ["layer", "op", "macs", "compute_cycles", "stall_cycles", "total_cycles", "sram_bytes",
                      "dram_bytes", "energy_pj", "requant_elements", "requant_cycles", "requant_energy_pj"]
"""The columns of best/<id>.hwsim.csv (hw-sim's CsvReporter, `bitsweep hwsim --csv`).

total_cycles = compute_cycles + requant_cycles + stall_cycles; energy_pj includes requant_energy_pj."""
_ADD = re.compile(r"add_\d+")


class NotASweepError(RunStoreError):
    """The directory is not a BitSweep sweep directory (``bitsweep sweep --out``)."""


class MissingDataError(RunStoreError):
    """The run store does not hold the data asked for."""


class IncompleteRunWarning(UserWarning):
    """The run is still in progress (or was interrupted): only its complete generations are loaded."""


def bits_per_element(spec: str) -> float:
    """Storage bits per weight of a number-format spec string, shared exponents amortised (ARCHITECTURE.md).

    ``int8`` -> 8, ``int4:asym`` -> 4, ``pruned`` -> 0, ``bfp:m4:b16`` -> 4 + 8/16, ``mxint8`` -> 8 + 8/32,
    ``mxfp4_e2m1`` -> 4 + 8/32, ``fp32`` -> 32. An unknown spec gives NaN.
    """
    if spec == "pruned":
        return 0.0
    m = re.fullmatch(r"(?:int|uint|fp)(\d+)(?::\w+)*", spec)
    if m:
        return float(m.group(1))
    m = re.fullmatch(r"bfp:m(\d+):b(\d+)(?::e(\d+))?", spec)
    if m:
        exponent_bits = int(m.group(3) or 8)
        return int(m.group(1)) + exponent_bits / int(m.group(2))
    m = re.fullmatch(r"mx(?:int(\d+)|fp(\d+)_e\d+m\d+)", spec)
    if m:  # OCP MX: 32-element blocks sharing one E8M0 scale
        return int(m.group(1) or m.group(2)) + 8 / 32
    return math.nan


@dataclass
class Run:
    """One run directory. Create it with :func:`load_run`."""

    path: Path
    name: str
    manifest: dict
    generations: list[int]
    """The complete generations, ascending."""
    incomplete: list[str] = field(default_factory=list)
    """Generation directories without a _COMPLETE marker (skipped)."""

    # --- metadata -------------------------------------------------------------------------------------------------

    @property
    def config(self) -> dict:
        """The resolved ``bitsweep.search`` config the run was started with."""
        return self.manifest.get("config", {}).get("bitsweep", {}).get("search", {})

    @property
    def objectives(self) -> list[str]:
        return list(self.config.get("objectives", ["accuracy", "weight-bits", "cycles"]))

    @property
    def quality_metric(self) -> str:
        """``accuracy`` or ``auc``: what the ``quality`` column holds."""
        return "auc" if "auc" in self.objectives else "accuracy"

    @property
    def planned_generations(self) -> int | None:
        return self.config.get("generations")

    @property
    def last_generation(self) -> int:
        return self.generations[-1]

    @property
    def finished(self) -> bool:
        """True once the run wrote its front (front.csv) after its last generation."""
        return (self.path / "front.csv").is_file() and not self.incomplete and (
            self.planned_generations is None or self.last_generation >= self.planned_generations - 1)

    @property
    def in_progress(self) -> bool:
        """True while (or if, because it was interrupted) the run has not finished."""
        return not self.finished

    @property
    def strategy(self) -> str:
        """``bfp`` if any layer may take a BFP format, else ``layer-wise`` or ``channel-wise`` (default granularity)."""
        space = self.config.get("space", {})
        rules = [space.get("default", {})] + list(space.get("layers", []))
        if any(str(w).startswith("bfp") for r in rules for w in r.get("weights", [])):
            return "bfp"
        return "layer-wise" if space.get("default", {}).get("granularity") == "per-layer" else "channel-wise"

    def info(self) -> dict:
        """One row of :func:`summary`."""
        return {
            "run": self.name, "strategy": self.strategy, "finished": self.finished,
            "generations": f"{len(self.generations)}/{self.planned_generations or '?'}",
            "front_size": len(self.front()), "objectives": ", ".join(self.objectives),
            "seed": self.manifest.get("seed"), "model_sha256": self.manifest.get("sha256", {}).get("model"),
            "data_sha256": self.manifest.get("sha256", {}).get("data"), "created": self.manifest.get("created"),
            "bitsweep": self.manifest.get("versions", {}).get("bitsweep"), "path": str(self.path),
        }

    # --- per-generation tables ------------------------------------------------------------------------------------

    def table(self, table: str, generation: int | None = None, *, heavy: bool = False) -> pd.DataFrame:
        """One of population / evaluations / archive, of one complete generation or (None) all of them.

        Every row is one candidate (docs/RUN-STORE.md lists the columns); a column ``run`` names the run.
        ``heavy=True`` also reads the ``genome`` and ``assignment`` columns.
        """
        if table not in TABLES:
            raise ValueError(f"unknown table '{table}' (allowed: {', '.join(TABLES)})")
        gens = self.generations if generation is None else [self._complete(generation)]
        frames = []
        for g in gens:
            file = self.path / "generations" / f"gen={g:05d}" / f"{table}.parquet"
            try:
                schema = pq.read_schema(file)
                columns = [c for c in schema.names if heavy or c not in _HEAVY]
                frames.append(pq.read_table(file, columns=columns).to_pandas())
            except (OSError, ValueError) as e:
                raise RunStoreError(f"{file}: cannot read ({e})") from e
        df = pd.concat(frames, ignore_index=True)
        df.insert(0, "run", self.name)
        if table == "archive" or table == "population":
            df["snapshot"] = np.repeat(gens, [len(f) for f in frames])
        return df

    def population(self, generation: int | None = None, *, heavy: bool = False) -> pd.DataFrame:
        """The survivors after each generation (column ``snapshot`` = the generation they survived)."""
        return self.table("population", generation, heavy=heavy)

    def evaluations(self, generation: int | None = None, *, heavy: bool = False) -> pd.DataFrame:
        """The candidates each generation made, with their evaluations (``reused``: not evaluated again)."""
        return self.table("evaluations", generation, heavy=heavy)

    def archive(self, generation: int | None = None, *, heavy: bool = False) -> pd.DataFrame:
        """The global Pareto archive after each generation (column ``snapshot`` = that generation)."""
        return self.table("archive", generation, heavy=heavy)

    def baselines(self) -> pd.DataFrame:
        """The uniform baselines of generation 0 (origin ``baseline:w=int8,a=int8``, ...), with column ``baseline``.

        ``baseline`` names integer formats without ``:asym`` (origin ``baseline:w=int8,a=int8:asym`` is baseline
        ``w=int8,a=int8``: symmetry changes neither memory nor cycles), so the int8/int4 baselines have one name
        whatever variants a config's space uses; ``:pot`` stays (``w=int8:pot,a=int8:pot``), since power-of-two scales
        change both."""
        ev = self.evaluations(self.generations[0])
        b = ev[ev.origin.str.startswith("baseline:")].copy()
        b["baseline"] = (b.origin.str.removeprefix("baseline:")
                         .str.replace(r"\b(int\d+):asym\b", r"\1", regex=True))
        return b.reset_index(drop=True)

    # --- the front ------------------------------------------------------------------------------------------------

    def front(self) -> pd.DataFrame:
        """The final front: front.csv of a finished run, else the archive of the last complete generation.

        Columns: run, id, generation, origin, quality (the ``quality_metric``), loss_mean, weight_bits, memory_bytes,
        cycles, energy_pj, assignment (path of best/<id>.json, empty if not written), sorted by weight memory.
        """
        if self.finished:
            df = pd.read_csv(self.path / "front.csv", dtype={"id": str, "origin": str, "assignment": str})
            df = df.rename(columns={self.quality_metric: "quality"})
            df["origin"] = df["origin"].str.replace(";", ",")  # front.csv writes commas in origins as ';'
        else:
            df = self.archive(self.last_generation)[
                ["id", "generation", "origin", "quality", "loss_mean", "weight_bits", "memory_bytes", "cycles",
                 "energy_pj"]]
            df = df.sort_values(["weight_bits", "id"], kind="stable").reset_index(drop=True)
            df["assignment"] = ""
        df.insert(0, "run", self.name)
        df["quality_metric"] = self.quality_metric
        return df

    # --- one point's assignment -----------------------------------------------------------------------------------

    def assignment(self, point_id: str) -> dict:
        """The assignment of one candidate: best/<id>.json if written, else from the evaluations table."""
        best = self.path / "best" / f"{point_id}.json"
        if best.is_file():
            doc = json.loads(best.read_text())
        else:
            ev = self._assignments()
            if point_id not in ev:
                raise RunStoreError(f"{self.path}: no candidate '{point_id}' in the complete generations "
                                    f"{self.generations[0]}..{self.last_generation}")
            doc = json.loads(ev[point_id])
        if doc.get("schema") != ASSIGNMENT_SCHEMA:
            raise RunStoreError(f"{best}: not a BitSweep assignment (schema '{doc.get('schema')}', "
                                f"expected {ASSIGNMENT_SCHEMA})")
        return doc

    def bit_allocation(self, point_id: str) -> pd.DataFrame:
        """Per layer and channel: the weight format and its bits per element, and the layer's activation format.

        One row per (layer, channel) in model order. A layer that is uniform in the assignment is expanded to the
        channel count seen for it elsewhere in this run; if no candidate ever split it (a per-layer layer), it gets
        one row with channel = -1, since the run store does not record layer shapes. ADD entries (an ADD's output
        format, docs/ASSIGNMENT.md) have no weights and no rows.
        """
        doc = self.assignment(point_id)
        rows = []
        for layer, spec in doc["layers"].items():
            if _ADD.fullmatch(layer) and "weights" not in spec:
                continue
            weights = spec.get("weights", doc.get("defaults", {}).get("weights"))
            acts = spec.get("activations", doc.get("defaults", {}).get("activations"))
            if isinstance(weights, str):
                n = self._channel_counts.get(layer)
                weights = [weights] * n if n else [weights]
                channels = range(n) if n else [-1]
            else:
                channels = range(len(weights))
            for c, w in zip(channels, weights):
                rows.append({"layer": layer, "channel": c, "weights": w, "bits": bits_per_element(w),
                             "activations": acts})
        return pd.DataFrame(rows)

    def bit_matrix(self, point_id: str) -> pd.DataFrame:
        """Layers (rows, model order) x channels (columns): weight bits; NaN beyond a layer's channel count.

        A layer whose channel count is unknown (see :meth:`bit_allocation`) fills its whole row.
        """
        alloc = self.bit_allocation(point_id)
        width = max(1, int(alloc.channel.max()) + 1)
        layers = list(dict.fromkeys(alloc.layer))
        m = pd.DataFrame(np.nan, index=pd.Index(layers, name="layer"), columns=range(width))
        for layer, group in alloc.groupby("layer", sort=False):
            if (group.channel < 0).all():
                m.loc[layer, :] = group.bits.iloc[0]
            else:
                m.loc[layer, group.channel.to_numpy()] = group.bits.to_numpy()
        return m

    def layer_summary(self, point_id: str) -> pd.DataFrame:
        """Per layer: channel count, activation format, mean weight bits, and the share of channels per format."""
        alloc = self.bit_allocation(point_id)
        share = pd.crosstab(alloc.layer, alloc.weights, normalize="index").reindex(list(dict.fromkeys(alloc.layer)))
        base = alloc.groupby("layer", sort=False).agg(
            channels=("channel", lambda c: len(c) if (c >= 0).all() else np.nan),
            activations=("activations", "first"), mean_weight_bits=("bits", "mean"))
        return base.join(share.add_prefix("share_"))

    def layer_costs(self, point_id: str) -> pd.DataFrame:
        """Per-layer hardware costs of one front point, from best/<id>.hwsim.csv (hw-sim's CSV).

        One row per costed layer in execution order, columns :data:`LAYER_COST_COLUMNS` (the file's ``total`` row
        is dropped: it is their sum, and the point's ``cycles`` / ``energy_pj``). Raises MissingDataError when the run has no such file: a run
        still in progress (written at the end), a point not on the final front, a cost model without per-layer
        costs, or a run written before BitSweep stored them.
        """
        file = self.path / "best" / f"{point_id}.hwsim.csv"
        if not file.is_file():
            raise MissingDataError(f"{file}: no per-layer costs for '{point_id}': {self._why_no_layer_costs(point_id)}")
        df = pd.read_csv(file, dtype={"layer": str, "op": str}, keep_default_na=False)
        if list(df.columns) != LAYER_COST_COLUMNS or df.empty or df.layer.iloc[-1] != "total":
            raise RunStoreError(f"{file}: not a hw-sim per-layer CSV (expected the columns "
                                f"{','.join(LAYER_COST_COLUMNS)} and a last row 'total')")
        return df.iloc[:-1].reset_index(drop=True)

    def sensitivity(self) -> pd.DataFrame:
        """The run's sensitivity profile (sensitivity.parquet, docs/RUN-STORE.md): per layer and format, the quality and
        loss with that layer alone at that format (``channel == -1``), and per output channel its quantization error
        energy (``channel >= 0``); one ``baseline`` row."""
        file = self.path / "sensitivity.parquet"
        if not file.is_file():
            raise MissingDataError(f"{file} is missing: the run was made with profile = off, or by a BitSweep "
                                   f"without profiles (run `bitsweep profile` to make one)")
        return pq.read_table(file).to_pandas()

    def sample_evaluations(self) -> pd.DataFrame:
        """Per complete generation: candidates evaluated (reused ones left out), candidate x sample inferences run,
        those a full evaluation of every one would have run, and how many racing stopped early (docs/SEARCH.md
        "Pareto racing"). Generation -1 is the sensitivity profile (its probes x the samples each scored), when the
        run has one."""
        n = len(self.splits()["evaluation"]["order"])
        rows = []
        if (self.path / "sensitivity.parquet").is_file():
            sens = self.sensitivity()
            probes = sens[(sens.channel == -1) & ((sens.format_index > 0) | (sens.kind == "baseline"))]
            done = int(probes.samples.sum())
            rows.append({"generation": -1, "candidates": len(probes), "sample_evaluations": done,
                         "without_racing": done, "stopped_early": 0})
        for g in self.generations:
            e = self.table("evaluations", g)
            fresh = e[~e.reused]
            rows.append({"generation": g, "candidates": len(fresh), "sample_evaluations": int(fresh.samples.sum()),
                         "without_racing": len(fresh) * n,
                         "stopped_early": int((~fresh.complete).sum()) if "complete" in fresh else 0})
        return pd.DataFrame(rows)

    def splits(self) -> dict:
        """The run's calibration ids and evaluation order (splits.json, docs/RUN-STORE.md)."""
        file = self.path / "splits.json"
        if not file.is_file():
            raise MissingDataError(f"{file} is missing (a run made before searches recorded their samples)")
        return json.loads(file.read_text())

    def _why_no_layer_costs(self, point_id: str) -> str:
        if not self.finished:
            return "the run has not finished (best/ is written with the final front)"
        if point_id not in set(self.front().id):
            return "per-layer costs are stored for the final front's points only"
        if any((self.path / "best").glob("*.hwsim.csv")):
            return ("the search wrote none for it (a point evaluated before --resume on a data-dependent target; "
                    "see docs/RUN-STORE.md)")
        return ("this run stores cycles and energy per candidate only (written by a BitSweep before per-layer "
                "costs were stored, or by a problem without a hardware model); rerun the search to get them")

    @cached_property
    def _assignment_table(self) -> pd.DataFrame:
        frames = []
        for g in self.generations:
            file = self.path / "generations" / f"gen={g:05d}" / "evaluations.parquet"
            frames.append(pq.read_table(file, columns=["id", "assignment"]).to_pandas())
        return pd.concat(frames, ignore_index=True)

    def _assignments(self) -> dict[str, str]:
        t = self._assignment_table
        return dict(zip(t.id, t.assignment))

    def channel_counts(self) -> dict[str, int]:
        """Output channels per layer, as far as this run's assignments show them (a per-channel list's length)."""
        return dict(self._channel_counts)

    @cached_property
    def _channel_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for text in self._assignment_table.assignment:
            for layer, spec in json.loads(text)["layers"].items():
                if isinstance(spec.get("weights"), list):
                    counts[layer] = max(counts.get(layer, 0), len(spec["weights"]))
        return counts

    # --- hypervolume ----------------------------------------------------------------------------------------------

    def objective_scales(self) -> dict[str, float]:
        """Per objective, the value that normalises to 1.0, exactly as the search normalised its hypervolume (the
        uniform int8 model's cost; 1.0 for accuracy/auc), read from a complete generation's summary.json."""
        file = self.path / "generations" / f"gen={self.generations[0]:05d}" / "summary.json"
        if not file.is_file():
            raise MissingDataError(f"{file} is missing, so the search's hypervolume normalisation is unknown "
                                   f"(the run was written by an older BitSweep)")
        scales = json.loads(file.read_text())["objective_scales"]
        return {o: float(scales[o]) for o in self.objectives}

    def objective_matrix(self, df: pd.DataFrame, normalised: bool = True) -> np.ndarray:
        """The minimised objectives of rows of a table (quality -> 1 - quality), optionally normalised."""
        scales = self.objective_scales() if normalised else {o: 1.0 for o in self.objectives}
        cols = []
        for o in self.objectives:
            v = df[_OBJECTIVE_COLUMNS[o]].to_numpy(dtype=float)
            cols.append(((1 - v) if o in ("accuracy", "auc") else v) / scales[o])
        return np.column_stack(cols) if cols else np.empty((len(df), 0))

    def hypervolume(self, reference: float | None = None) -> pd.DataFrame:
        """Per complete generation: the archive's size, hypervolume, best quality and smallest weight bits.

        The hypervolume is the one the search defines: objectives normalised as in :meth:`objective_scales`, and a
        reference point of ``reference`` (default: the run's ``hypervolume-reference``) in every objective.
        """
        import moocore

        if reference is None:
            reference = float(self.config.get("hypervolume-reference", 1.1))
        arch = self.archive()
        rows = []
        for g in self.generations:
            a = arch[arch.snapshot == g]
            pts = self.objective_matrix(a)
            inside = pts[(pts < reference).all(axis=1)]
            hv = float(moocore.hypervolume(inside, ref=[reference] * pts.shape[1])) if len(inside) else 0.0
            rows.append({"run": self.name, "generation": g, "archive_size": len(a), "hypervolume": hv,
                         "best_quality": a.quality.max(), "min_weight_bits": a.weight_bits.min()})
        return pd.DataFrame(rows)

    def _complete(self, generation: int) -> int:
        if generation not in self.generations:
            raise RunStoreError(f"{self.path}: generation {generation} is not complete (complete: "
                                f"{self.generations[0]}..{self.last_generation})")
        return generation


def load_run(path: str | os.PathLike, name: str | None = None, *, _stacklevel: int = 2) -> Run:
    """Opens one run directory, reading only its complete generations.

    Raises NotARunError if ``path`` has no run.json (or not a BitSweep one), NoCompleteGenerationError if no
    generation is complete yet; warns IncompleteRunWarning if the run is in progress or was interrupted.
    """
    p = Path(path).expanduser()
    manifest_file = p / "run.json"
    if not p.is_dir():
        raise NotARunError(f"{p} is not a BitSweep run directory: no such directory")
    if not manifest_file.is_file():
        raise NotARunError(f"{p} is not a BitSweep run directory: no run.json")
    try:
        manifest = json.loads(manifest_file.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise NotARunError(f"{p} is not a BitSweep run directory: run.json is not valid JSON ({e})") from e
    if manifest.get("schema") != RUN_SCHEMA:
        raise NotARunError(f"{p} is not a BitSweep run directory: run.json has schema "
                           f"'{manifest.get('schema')}', expected {RUN_SCHEMA}")
    complete, incomplete = [], []
    gen_root = p / "generations"
    for d in sorted(gen_root.iterdir()) if gen_root.is_dir() else []:
        m = _GEN_DIR.fullmatch(d.name)
        if m and d.is_dir():
            (complete if (d / COMPLETE).is_file() else incomplete).append((int(m.group(1)), d.name))
    if not complete:
        raise NoCompleteGenerationError(
            f"{p}: no complete generation yet (a generation counts once its {COMPLETE} marker exists"
            + (f"; {', '.join(n for _, n in incomplete)} has none" if incomplete else "") + ")")
    run = Run(path=p, name=name or p.name, manifest=manifest, generations=[g for g, _ in complete],
              incomplete=[n for _, n in incomplete])
    if run.in_progress:
        planned = run.planned_generations
        skipped = f"; skipped without {COMPLETE}: {', '.join(run.incomplete)}" if run.incomplete else ""
        warnings.warn(f"{p}: run in progress or interrupted: loaded the {len(complete)} complete generation(s) "
                      f"{complete[0][0]}..{complete[-1][0]} of {planned if planned else '?'}{skipped}; "
                      f"the front is the archive of generation {complete[-1][0]}",
                      IncompleteRunWarning, stacklevel=_stacklevel)
    return run


def _split(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        paths = str(paths).split(",")
    return [str(x).strip() for x in paths if str(x).strip()]


def load_runs(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[Run]:
    """Opens several runs: a comma-separated string (as in $BITSWEEP_RUNS) or a list of paths.

    Runs are named after their directory; if two share a name, after parent/name.
    """
    items = _split(paths)
    if not items:
        raise RunStoreError("no run directories given")
    names = [Path(x).name for x in items]
    runs = []
    for x, n in zip(items, names):
        unique = n if names.count(n) == 1 else f"{Path(x).resolve().parent.name}/{n}"
        runs.append(load_run(x, unique, _stacklevel=3))
    return runs


def runs_from_env(default: str | Iterable[str] | None = None) -> list[Run]:
    """The runs named by $BITSWEEP_RUNS (one path, or several separated by commas), else by ``default``."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        if not default or not _split(default):
            raise RunStoreError(f"no runs: set {ENV_VAR}=DIR[,DIR...] or the RUNS variable in the first cell")
        value = default
    return load_runs(value)


def fronts(runs: Iterable[Run]) -> pd.DataFrame:
    """The final fronts of several runs, one table (column ``run``)."""
    return pd.concat([r.front() for r in runs], ignore_index=True)


def hypervolumes(runs: Iterable[Run]) -> pd.DataFrame:
    """Hypervolume per generation of several runs, one table (column ``run``)."""
    return pd.concat([r.hypervolume() for r in runs], ignore_index=True)


def summary(runs: Iterable[Run]) -> pd.DataFrame:
    """One row per run: strategy, progress, front size, objectives, seed, model and data sha256, path."""
    return pd.DataFrame([r.info() for r in runs]).set_index("run")


ISO_COSTS = ("weight_bits", "cycles", "energy_pj")
"""The costs :func:`iso_accuracy` compares, as front.csv names them."""


def iso_accuracy(runs: Iterable[Run], levels: Iterable[float] | None = None) -> pd.DataFrame:
    """Runs compared at equal accuracy (what ``bitsweep compare`` prints and writes as iso-accuracy.csv).

    For each accuracy (or AUC) level, as a fraction, highest first (default: every quality a front point of any run
    has): each run's least weight bits, cycles and energy among its front points with quality >= level, each
    minimised on its own (ties: the smallest id), the id of the point giving it (column ``<cost>_point``), and the
    saving against the first run in percent (``<cost>_saving_pct``, positive = less). Missing where a run has no
    point at that level: NaN, and a point id None (NaN where pandas 3 infers a str column). One row per (level,
    run), in the order of ``runs``.
    """
    runs = list(runs)
    fronts_ = [r.front() for r in runs]
    if levels is None:
        levels = sorted({q for f in fronts_ for q in f.quality}, reverse=True)
    rows = []
    for level in levels:
        first = None
        for r, f in zip(runs, fronts_):
            reach = f[f.quality >= level]
            row = {"level": level, "run": r.name}
            for cost in ISO_COSTS:
                if reach.empty:
                    row[cost], row[f"{cost}_point"] = np.nan, None
                else:
                    best = reach.sort_values([cost, "id"], kind="stable").iloc[0]
                    row[cost], row[f"{cost}_point"] = float(best[cost]), best.id
            if first is None:
                first = row
            for cost in ISO_COSTS:
                ok = not (np.isnan(row[cost]) or np.isnan(first[cost])) and first[cost] > 0
                row[f"{cost}_saving_pct"] = 100 * (1 - row[cost] / first[cost]) if ok else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def _cumulative_evaluations(run: Run) -> pd.Series:
    """Per complete generation: the sample evaluations the run had spent once it was complete, its sensitivity profile
    counted (:meth:`Run.sample_evaluations`)."""
    e = run.sample_evaluations()
    profile = int(e.loc[e.generation < 0, "sample_evaluations"].sum())
    gens = e[e.generation >= 0]
    return pd.Series(profile + gens.sample_evaluations.cumsum().to_numpy(), index=gens.generation.to_numpy())


@dataclass
class Coverage:
    """What :func:`coverage` found: each reference archive point, and the challenger point that matches it."""

    reference: str
    challenger: str
    reference_generation: int
    challenger_generation: int
    reference_evaluations: int
    """Sample evaluations, the profile counted, the reference run had spent at ``reference_generation``."""
    challenger_evaluations: int
    points: pd.DataFrame
    """The reference archive at ``reference_generation`` (id and objective columns), with ``matched_by``: the id of a
    challenger point at least as good in every objective (the smallest such id), or None."""

    @property
    def matched(self) -> int:
        return int(self.points.matched_by.notna().sum())

    def __str__(self) -> str:
        return (f"{self.challenger} (generation {self.challenger_generation}, {self.challenger_evaluations} sample "
                f"evaluations) matches {self.matched} of {len(self.points)} points of {self.reference} (generation "
                f"{self.reference_generation}, {self.reference_evaluations})")


def coverage(reference: Run, challenger: Run, *, equal_evaluations: bool = True) -> Coverage:
    """Whether a challenger run's archive matches every point of a reference run's archive: a point is matched when a
    challenger point is at least as good in every objective (at least as accurate, no more weight bits, cycles or
    energy). This is the criterion of the channel-wise claim (docs/RESULTS.md): the reference is the layer-wise run.

    With ``equal_evaluations`` (the default) each run is read at its last complete generation whose cumulative sample
    evaluations, the sensitivity profile counted, are within the smaller of the two runs' totals, so neither run is
    credited with more inference than the other (racing makes the totals of equal-sized runs differ); else at their
    last complete generations. The two runs must have the same objectives.
    """
    if reference.objectives != challenger.objectives:
        raise ValueError(f"coverage: {reference.name} has objectives {', '.join(reference.objectives)} and "
                         f"{challenger.name} {', '.join(challenger.objectives)} (they must be the same)")
    runs = (reference, challenger)
    spent = [_cumulative_evaluations(r) for r in runs]
    budget = min(int(s.iloc[-1]) for s in spent) if equal_evaluations else math.inf
    at = []
    for r, s in zip(runs, spent):
        within = s[s <= budget]
        if within.empty:
            raise ValueError(f"coverage: {r.name}'s first complete generation alone took {int(s.iloc[0])} sample "
                             f"evaluations, more than the {budget} of the other run (use equal_evaluations=False)")
        at.append((int(within.index[-1]), int(within.iloc[-1])))
    columns = [_OBJECTIVE_COLUMNS[o] for o in reference.objectives]
    ref = reference.archive(at[0][0])[["id", *columns]].reset_index(drop=True)
    cha = challenger.archive(at[1][0])[["id", *columns]].sort_values("id", kind="stable").reset_index(drop=True)
    r = reference.objective_matrix(ref, normalised=False)   # every objective minimised
    c = challenger.objective_matrix(cha, normalised=False)
    covers = (c[None, :, :] <= r[:, None, :]).all(axis=2)       # [reference point, challenger point]
    first = covers.argmax(axis=1)
    # object dtype keeps None (pandas 3 would infer a str column and store NaN)
    ref["matched_by"] = pd.Series([cha.id.iloc[j] if covers[i, j] else None for i, j in enumerate(first)],
                                  dtype=object)
    return Coverage(reference.name, challenger.name, at[0][0], at[1][0], at[0][1], at[1][1], ref)


@dataclass
class Sweep:
    """A sweep directory (``bitsweep sweep``): its cells and summary. Create it with :func:`load_sweep`."""

    path: Path
    manifest: dict

    @property
    def name(self) -> str:
        return self.manifest.get("name", self.path.name)

    @property
    def reference_space(self) -> str | None:
        return self.manifest.get("reference_space")

    @cached_property
    def cells(self) -> pd.DataFrame:
        """One row per cell: run (its directory, relative to the sweep), benchmark, target, space, seed."""
        return pd.DataFrame(self.manifest.get("cells", []))

    @cached_property
    def summary(self) -> pd.DataFrame:
        """summary.parquet: per cell its status, int8 baseline, best quality and iso-accuracy savings (in percent,
        positive = less) against uniform int8 and the reference space. docs/SWEEPS.md lists the columns."""
        f = self.path / "summary.parquet"
        if not f.is_file():
            raise MissingDataError(f"{self.path}: no summary.parquet yet (bitsweep sweep --summary-only --out "
                                   f"{self.path} computes it from the finished cells)")
        return pq.read_table(f).to_pandas()

    def runs(self, *, benchmark: str | None = None, target: str | None = None, space: str | None = None,
             seed: int | None = None) -> list[Run]:
        """The finished cells' runs matching the filters, named by their cell (e.g. ``ic/mpic/channel-wise/seed-1``);
        cells not finished yet are left out."""
        out = []
        for c in self.manifest.get("cells", []):
            if ((benchmark is None or c["benchmark"] == benchmark) and (target is None or c["target"] == target)
                    and (space is None or c["space"] == space) and (seed is None or c["seed"] == seed)):
                d = self.path / c["run"]
                if (d / "report.html").is_file():
                    out.append(load_run(d, c["run"], _stacklevel=3))
        return out


def load_sweep(path: str | os.PathLike) -> Sweep:
    """Opens a sweep directory (sweep.json, summary.parquet and one run directory per cell)."""
    p = Path(path).expanduser()
    f = p / "sweep.json"
    if not f.is_file():
        raise NotASweepError(f"{p} is not a BitSweep sweep directory: no sweep.json")
    try:
        manifest = json.loads(f.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise NotASweepError(f"{p} is not a BitSweep sweep directory: sweep.json is not valid JSON ({e})") from e
    if manifest.get("schema") != SWEEP_SCHEMA:
        raise NotASweepError(f"{p} is not a BitSweep sweep directory: sweep.json has schema "
                             f"'{manifest.get('schema')}', expected {SWEEP_SCHEMA}")
    return Sweep(path=p, manifest=manifest)
