#!/usr/bin/env python3
"""TF 2.21 anchor for `bitsweep bench`: ms/image and G MAC/s of TensorFlow 2.21's tf.lite.Interpreter
(num_threads=1) on the MLPerf Tiny models and the same real inputs `bitsweep bench` cycles through, so that our
engines' figures can be set against a current, optimized TFLite on this machine.

Run it through bin/bench-anchor, which pins the process to one core (taskset -c 0) and uses the tools venv.

Engines (per model):
  xnnpack-int8   the int8 model, default op resolver: TF 2.21 applies the XNNPACK delegate
  builtin-int8   the int8 model, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES (TFLite's optimized built-in
                 kernels, no XNNPACK)
  xnnpack-float  the float32 model, default op resolver (XNNPACK)
  builtin-float  the float32 model without XNNPACK (not run unless asked for with --engines)

Inputs: the first --images samples (default 64, as `bitsweep bench`) of the model's MLPerf Tiny .bin directory,
decoded exactly as the Java TinyLayout does (AD: each file's first window). Int8 models get those floats quantized
as the exact engine does (Int8Quantization), once, before timing.

Timing: every (model, engine) warms up for --warmup seconds, then --seconds per (model, engine) are split into
--rounds rounds, each visiting every (model, engine) in turn (as `bitsweep bench --rounds` does), so that all
engines of all models see the same machine load. A timed call is set_tensor + invoke + get_tensor (the Python
overhead of set/get is about 1 us per call here: 20% of AD's XNNPACK int8 time, 3% of KWS's, 1% or less elsewhere).
ms/image is wall clock (pinned to one core, any helper thread shares that core); cpu-ms/image is the process's CPU
time, which with num_threads=1 is the interpreter's own work and does not count the time other processes on that
core take from it (on this shared machine wall time was 1.5 to 2.3 times the CPU time, so compare CPU figures across
runs, and wall figures only at low load).

MACs per model: counted from the .tflite flatbuffer's CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED shapes, as the
Java importer counts them (docs/MODELS.md); other ops count 0. G MAC/s = MACs / time per image, by CPU time and
by wall clock.
"""

import argparse
import datetime
import os
import platform
import sys
import time

PROG = "bench-anchor"
ENGINES = ["xnnpack-int8", "builtin-int8", "xnnpack-float", "builtin-float"]
DEFAULT_ENGINES = ENGINES[:3]
# model key -> (data dir under assets, float model, int8 model), paths under $BITSWEEP_ASSETS.
MODELS = {
    "ic": ("data/ic01", "models/ic/pretrainedResnet.tflite", "models/ic/pretrainedResnet_quant.tflite"),
    "vww": ("data/vww01", "models/vww/vww_96_float.tflite", "models/vww/vww_96_int8.tflite"),
    # kws_ref_model_float32.tflite is a hybrid (int8 conv weights), not a float model; kws_ref_model_fp32.tflite is
    # the pure-float conversion of the SavedModel: same architecture and MACs, different training run (assets README).
    "kws": ("data/kws01", "models/kws/kws_ref_model_fp32.tflite", "models/kws/kws_ref_model.tflite"),
    "ad": ("data/ad01", "models/ad/ad01_fp32.tflite", "models/ad/ad01_int8.tflite"),
}


class OneLineParser(argparse.ArgumentParser):
    """Argument errors as one line (`bench-anchor: error: ...`), exit code 2, as the other tools' errors."""

    def error(self, message):
        print(f"{self.prog}: error: {message} (see --help)", file=sys.stderr)
        sys.exit(2)


def parse_args(argv):
    p = OneLineParser(
        prog=PROG,
        description="TF 2.21 tf.lite.Interpreter (num_threads=1) ms/image and G MAC/s on the MLPerf Tiny models and "
                    "the inputs `bitsweep bench` uses: XNNPACK int8, built-in int8 without XNNPACK, XNNPACK float, "
                    "interleaved in rounds. bin/bench-anchor runs it pinned to one core.",
        epilog="Models: ic (ic01, pretrainedResnet[_quant].tflite), vww (vww01, vww_96_{float,int8}.tflite), "
               "kws (kws01, kws_ref_model.tflite; float: kws_ref_model_fp32.tflite), ad (ad01, "
               "ad01_{fp32,int8}.tflite; each file's first window). Paths are under --assets.")
    p.add_argument("--models", default="ic,vww,kws,ad", metavar="M[,M...]",
                   help="models to run, from ic, vww, kws, ad (default: %(default)s)")
    p.add_argument("--engines", default=",".join(DEFAULT_ENGINES), metavar="E[,E...]",
                   help=f"engines, from {', '.join(ENGINES)} (default: %(default)s)")
    p.add_argument("--seconds", type=float, default=5.0, metavar="S",
                   help="timed seconds per (model, engine), split over the rounds (default: %(default)s)")
    p.add_argument("--warmup", type=float, default=1.0, metavar="S",
                   help="warm-up seconds per (model, engine) before the rounds (default: %(default)s; TFLite has "
                        "no JIT, this only primes caches and lazily built kernels)")
    p.add_argument("--rounds", type=int, default=8, metavar="N",
                   help="rounds that each visit every (model, engine) (default: %(default)s)")
    p.add_argument("--images", type=int, default=64, metavar="N",
                   help="inputs cycled through: the first N samples, as bitsweep bench (default: %(default)s)")
    p.add_argument("--assets", default=None, metavar="DIR",
                   help="MLPerf Tiny assets (default: $BITSWEEP_ASSETS, else ../shared/mlperf-tiny beside the "
                        "checkout)")
    p.add_argument("--csv", default=None, metavar="FILE", help="also write the results as CSV")
    a = p.parse_args(argv)
    a.models = [m.strip() for m in a.models.split(",") if m.strip()]
    a.engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    for m in a.models:
        if m not in MODELS:
            p.error(f"--models: unknown model '{m}' (allowed: {', '.join(MODELS)})")
    for e in a.engines:
        if e not in ENGINES:
            p.error(f"--engines: unknown engine '{e}' (allowed: {', '.join(ENGINES)})")
    if not a.models or not a.engines:
        p.error("--models and --engines must name at least one")
    if a.csv and not os.path.isdir(os.path.dirname(os.path.abspath(a.csv))):
        p.error(f"--csv: directory {os.path.dirname(os.path.abspath(a.csv))} does not exist")
    if not a.seconds > 0 or a.warmup < 0 or a.rounds < 1 or a.images < 1:
        p.error("--seconds must be > 0, --warmup >= 0, --rounds >= 1, --images >= 1")
    return a


def machine():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return cpu


def load():
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv):
    a = parse_args(argv)
    # Heavy imports only after the arguments are known to be good.
    import tools_common as tc

    assets = a.assets or tc.assets_dir()
    # Check every file and directory before loading TF, so a typo costs no start-up time.
    plan = []
    for m in a.models:
        data_dir, fmodel, imodel = (os.path.join(assets, x) for x in MODELS[m])
        for e in a.engines:
            path = imodel if e.endswith("int8") else fmodel
            if not os.path.isfile(path):
                tc.fail(PROG, f"model file {path} does not exist (set --assets or $BITSWEEP_ASSETS)")
            plan.append((m, e, path, data_dir))
    data = {}
    for m in a.models:
        d = os.path.join(assets, MODELS[m][0])
        try:
            data[m] = tc.read_tiny_dir(d)
        except tc.ToolError as err:
            tc.fail(PROG, str(err))

    import warnings

    warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
    import numpy as np
    import tensorflow as tf

    resolvers = {"xnnpack": tf.lite.experimental.OpResolverType.AUTO,
                 "builtin": tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES}

    class Runner:
        def __init__(self, model, engine, path, d):
            self.model, self.engine, self.path = model, engine, path
            self.interp = tf.lite.Interpreter(model_path=path, num_threads=1,
                                              experimental_op_resolver_type=resolvers[engine.split("-")[0]])
            self.interp.allocate_tensors()
            if engine.startswith("xnnpack") and not any(
                    o["op_name"] == "DELEGATE" for o in self.interp._get_ops_details()):
                print(f"{PROG}: warning: {engine} on {path}: no node was delegated to XNNPACK", file=sys.stderr)
            inp = self.interp.get_input_details()[0]
            self.inp, self.out = inp["index"], self.interp.get_output_details()[0]["index"]
            xs = d.first_inputs(a.images).reshape((-1,) + tuple(inp["shape"]))
            if inp["dtype"] == np.int8:
                scale, zp = inp["quantization"]
                xs = tc.quantize_exact(xs, scale, zp)
            elif inp["dtype"] != np.float32:
                tc.fail(PROG, f"{path}: input dtype {inp['dtype']} (expected int8 or float32)")
            self.xs = [np.ascontiguousarray(x) for x in xs]
            self.macs = tc.tflite_macs(path)
            self.n = self.wall = self.cpu = 0
            self.k = 0

        def run(self, seconds, count):
            it, xs, inp, out = self.interp, self.xs, self.inp, self.out
            t0, c0 = time.perf_counter_ns(), time.process_time_ns()
            budget = int(seconds * 1e9)
            n, now, k = 0, t0, self.k
            while now - t0 < budget or n == 0:
                it.set_tensor(inp, xs[k])
                it.invoke()
                it.get_tensor(out)
                k = (k + 1) % len(xs)
                n += 1
                now = time.perf_counter_ns()
            self.k = k
            if count:
                self.n += n
                self.wall += now - t0
                self.cpu += time.process_time_ns() - c0

    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    load0 = load()
    affinity = sorted(os.sched_getaffinity(0))
    runners = [Runner(m, e, path, data[m]) for m, e, path, _ in plan]
    for r in runners:
        r.run(a.warmup, False)
    for _ in range(a.rounds):
        for r in runners:
            r.run(a.seconds / a.rounds, True)
    load1 = load()

    print(f"# TF {tf.__version__} tf.lite.Interpreter, num_threads=1; {date}; {machine()}; "
          f"cpus {','.join(map(str, affinity))}; load {load0} -> {load1}")
    print(f"# {a.images} inputs per model, {a.warmup:g} s warm-up, {a.seconds:g} s in {a.rounds} interleaved rounds "
          f"per (model, engine)")
    head = ("model", "engine", "ms/image", "cpu-ms/image", "images/s", "M MAC", "GMAC/s-cpu", "GMAC/s-wall",
            "time/xnn-int8")
    print(f"{head[0]:<6} {head[1]:<14} {head[2]:>9} {head[3]:>12} {head[4]:>9} {head[5]:>7} {head[6]:>10} "
          f"{head[7]:>11} {head[8]:>13}")
    rows = []
    for r in runners:
        ms, cpu_ms = r.wall / 1e6 / r.n, r.cpu / 1e6 / r.n
        ref = next((q for q in runners if q.model == r.model and q.engine == "xnnpack-int8"), None)
        ratio = f"{cpu_ms / (ref.cpu / 1e6 / ref.n):.2f}" if ref else "-"  # by CPU time, as bitsweep bench's ratios
        row = dict(model=r.model, engine=r.engine, ms_per_image=ms, cpu_ms_per_image=cpu_ms,
                   images_per_s=r.n * 1e9 / r.wall, macs=r.macs, gmacs_per_s_cpu=r.macs / (cpu_ms * 1e-3) / 1e9,
                   gmacs_per_s_wall=r.macs / (ms * 1e-3) / 1e9, time_vs_xnnpack_int8=ratio, inferences=r.n,
                   model_file=os.path.relpath(r.path, assets))
        rows.append(row)
        print(f"{r.model:<6} {r.engine:<14} {ms:9.4f} {cpu_ms:12.4f} {row['images_per_s']:9.1f} "
              f"{r.macs / 1e6:7.2f} {row['gmacs_per_s_cpu']:10.2f} {row['gmacs_per_s_wall']:11.2f} {ratio:>13}")
    if a.csv:
        import csv

        cols = ["model", "engine", "model_file", "inferences", "ms_per_image", "cpu_ms_per_image", "images_per_s",
                "macs", "gmacs_per_s_cpu", "gmacs_per_s_wall", "time_vs_xnnpack_int8", "tf_version", "date", "cpus",
                "load_before", "load_after", "seconds", "rounds", "images"]
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            for row in rows:
                w.writerow(dict(row, tf_version=tf.__version__, date=date, cpus=" ".join(map(str, affinity)),
                                load_before=load0, load_after=load1, seconds=a.seconds, rounds=a.rounds,
                                images=a.images))
        print(f"{PROG}: wrote {a.csv}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
