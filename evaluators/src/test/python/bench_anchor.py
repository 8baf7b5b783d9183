#!/usr/bin/env python3
"""TF 2.21 / ONNX Runtime anchor for `bitsweep bench`: ms/image and G MAC/s of TensorFlow 2.21's tf.lite.Interpreter
(num_threads=1) on the MLPerf Tiny models and the same real inputs `bitsweep bench` cycles through, or of TF 2.21 or
ONNX Runtime (one thread) on one model given by its files and a .npy of its inputs (the generated ImageNet-size
models), so that our engines' figures can be set against a current, optimized runtime on this machine.

Run it through bin/bench-anchor, which pins the process to one core (taskset -c 0) and uses the tools venv.

Engines (per model):
  xnnpack-int8   the int8 model, default op resolver: TF 2.21 applies the XNNPACK delegate
  builtin-int8   the int8 model, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES (TFLite's optimized built-in
                 kernels, no XNNPACK)
  xnnpack-float  the float32 model, default op resolver (XNNPACK)
  builtin-float  the float32 model without XNNPACK (not run unless asked for with --engines)
  ort-float      an .onnx --float-model on ONNX Runtime (CPU provider, one intra-op thread, all graph optimizations)
  ort-int8       that model quantized by ONNX Runtime's own quantize_static (QDQ, per-channel int8 weights, uint8
                 activations: its recommended x86 setting), calibrated with min/max on the first 16 inputs

One model by its files instead of --models: --float-model F (.tflite or .onnx) [--int8-model I.tflite] --inputs X.npy
(float32 [N, ...] model inputs in the model's declared layout, e.g. a generated model's inputs_f32.npy, as
`bitsweep bench --data X.npy` takes them); the int8 TFLite model gets them quantized with its input parameters.

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

import datetime
import os
import platform
import sys
import time

from tool_args import OneLineParser

PROG = "bench-anchor"
ENGINES = ["xnnpack-int8", "builtin-int8", "xnnpack-float", "builtin-float", "ort-float", "ort-int8"]
DEFAULT_ENGINES = ENGINES[:3]
ONNX_ENGINES = ENGINES[4:]
# model key -> (data dir under assets, float model, int8 model), paths under $BITSWEEP_ASSETS.
MODELS = {
    "ic": ("data/ic01", "models/ic/pretrainedResnet.tflite", "models/ic/pretrainedResnet_quant.tflite"),
    "vww": ("data/vww01", "models/vww/vww_96_float.tflite", "models/vww/vww_96_int8.tflite"),
    # kws_ref_model_float32.tflite is a hybrid (int8 conv weights), not a float model; kws_ref_model_fp32.tflite is
    # the pure-float conversion of the SavedModel: same architecture and MACs, different training run (assets README).
    "kws": ("data/kws01", "models/kws/kws_ref_model_fp32.tflite", "models/kws/kws_ref_model.tflite"),
    "ad": ("data/ad01", "models/ad/ad01_fp32.tflite", "models/ad/ad01_int8.tflite"),
}


def parse_args(argv):
    p = OneLineParser(
        prog=PROG,
        description="TF 2.21 tf.lite.Interpreter (num_threads=1) ms/image and G MAC/s on the MLPerf Tiny models and "
                    "the inputs `bitsweep bench` uses: XNNPACK int8, built-in int8 without XNNPACK, XNNPACK float, "
                    "interleaved in rounds. bin/bench-anchor runs it pinned to one core.",
        epilog="Models: ic (ic01, pretrainedResnet[_quant].tflite), vww (vww01, vww_96_{float,int8}.tflite), "
               "kws (kws01, kws_ref_model.tflite; float: kws_ref_model_fp32.tflite), ad (ad01, "
               "ad01_{fp32,int8}.tflite; each file's first window). Paths are under --assets.")
    p.add_argument("--models", default=None, metavar="M[,M...]",
                   help="models to run, from ic, vww, kws, ad (default: all four, unless --float-model is given)")
    p.add_argument("--float-model", default=None, metavar="FILE",
                   help="instead of --models: one float model, .tflite or .onnx (needs --inputs)")
    p.add_argument("--int8-model", default=None, metavar="FILE",
                   help="with a .tflite --float-model: its int8 .tflite, for the int8 engines")
    p.add_argument("--inputs", default=None, metavar="X.npy",
                   help="with --float-model: float32 [N, ...] model inputs in the model's declared layout")
    p.add_argument("--engines", default=None, metavar="E[,E...]",
                   help=f"engines, from {', '.join(ENGINES)} (default: {','.join(DEFAULT_ENGINES)}; for an .onnx "
                        f"--float-model {','.join(ONNX_ENGINES)}; without --int8-model the int8 TFLite engines are "
                        "left out)")
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
    a.onnx = bool(a.float_model and a.float_model.endswith(".onnx"))
    if a.float_model:
        if a.models is not None:
            p.error("--models and --float-model exclude each other")
        if not a.inputs:
            p.error("--float-model needs --inputs X.npy")
        if a.onnx and a.int8_model:
            p.error("--int8-model goes with a .tflite --float-model (ort-int8 quantizes the .onnx itself)")
        a.models = [os.path.splitext(os.path.basename(a.float_model))[0]]
        for f in [a.float_model, a.int8_model, a.inputs]:
            if f and not os.path.isfile(f):
                p.error(f"file {f} does not exist")
    elif a.int8_model or a.inputs:
        p.error("--int8-model and --inputs go with --float-model")
    else:
        a.models = [m.strip() for m in (a.models or "ic,vww,kws,ad").split(",") if m.strip()]
    if a.engines is None:
        a.engines = ONNX_ENGINES if a.onnx else [e for e in DEFAULT_ENGINES if a.int8_model or not a.float_model
                                                 or not e.endswith("int8")]
    else:
        a.engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    for e in a.engines:
        if e in ONNX_ENGINES and not a.onnx:
            p.error(f"--engines: {e} needs an .onnx --float-model")
        if e not in ONNX_ENGINES and a.onnx:
            p.error(f"--engines: {e} runs .tflite models, not an .onnx --float-model")
        if e.endswith("int8") and e not in ONNX_ENGINES and a.float_model and not a.int8_model:
            p.error(f"--engines: {e} needs --int8-model")
    for m in ([] if a.float_model else a.models):
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


class NpyInputs:
    """--inputs: model inputs from a .npy, as `bitsweep bench --data X.npy` reads them."""

    def __init__(self, path):
        import numpy as np

        self.x = np.load(path).astype(np.float32)
        if self.x.ndim < 2 or len(self.x) == 0:
            sys.exit(f"{PROG}: error: --inputs {path}: shape {self.x.shape} is not [N, ...] with N >= 1")

    def first_inputs(self, n):
        return self.x[:n]


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
    data = {}
    if a.float_model:
        m = a.models[0]
        plan = [(m, e, a.int8_model if e in ("xnnpack-int8", "builtin-int8") else a.float_model) for e in a.engines]
        data[m] = NpyInputs(a.inputs)
        a.images = min(a.images, len(data[m].x))
    for m in [] if a.float_model else a.models:
        data_dir, fmodel, imodel = (os.path.join(assets, x) for x in MODELS[m])
        for e in a.engines:
            path = imodel if e.endswith("int8") else fmodel
            if not os.path.isfile(path):
                tc.fail(PROG, f"model file {path} does not exist (set --assets or $BITSWEEP_ASSETS)")
            plan.append((m, e, path))
        try:
            data[m] = tc.read_tiny_dir(os.path.join(assets, MODELS[m][0]))
        except tc.ToolError as err:
            tc.fail(PROG, str(err))

    import warnings

    warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
    import numpy as np

    tf = None if a.onnx else __import__("tensorflow")
    resolvers = {} if tf is None else {
        "xnnpack": tf.lite.experimental.OpResolverType.AUTO,
        "builtin": tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES}

    class Timed:
        """One (model, engine): calls self.infer(x) on the inputs in turn, counting wall and process CPU time."""

        def run(self, seconds, count):
            infer, xs = self.infer, self.xs
            t0, c0 = time.perf_counter_ns(), time.process_time_ns()
            budget = int(seconds * 1e9)
            n, now, k = 0, t0, self.k
            while now - t0 < budget or n == 0:
                infer(xs[k])
                k = (k + 1) % len(xs)
                n += 1
                now = time.perf_counter_ns()
            self.k = k
            if count:
                self.n += n
                self.wall += now - t0
                self.cpu += time.process_time_ns() - c0

    class Runner(Timed):
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

        def infer(self, x):
            self.interp.set_tensor(self.inp, x)
            self.interp.invoke()
            self.interp.get_tensor(self.out)

    class OrtRunner(Timed):
        def __init__(self, model, engine, path, d):
            import onnxruntime as ort

            self.model, self.engine, self.path = model, engine, path
            xs = d.first_inputs(a.images)
            run_path = path if engine == "ort-float" else ort_int8(path, xs[:16])
            o = ort.SessionOptions()
            o.intra_op_num_threads = o.inter_op_num_threads = 1
            o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            o.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            self.session = ort.InferenceSession(run_path, o, providers=["CPUExecutionProvider"])
            self.inp = self.session.get_inputs()[0].name
            self.xs = [np.ascontiguousarray(x[None]) for x in xs]
            self.macs = tc.onnx_macs(path)
            self.n = self.wall = self.cpu = 0
            self.k = 0

        def infer(self, x):
            self.session.run(None, {self.inp: x})

    def ort_int8(path, calibration):
        """ONNX Runtime's static int8 quantization of the model (QDQ, per-channel), in a temporary file."""
        import tempfile

        from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

        class Reader(CalibrationDataReader):
            def __init__(self):
                import onnx

                name = onnx.load(path, load_external_data=False).graph.input[0].name
                self.it = iter([{name: np.ascontiguousarray(x[None])} for x in calibration])

            def get_next(self):
                return next(self.it, None)

        out = os.path.join(tempfile.mkdtemp(prefix="bench-anchor-"), "int8.onnx")
        quantize_static(path, out, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
        return out

    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    if tf is None:
        import onnxruntime

        runtime = f"ONNX Runtime {onnxruntime.__version__}, one intra-op thread"
    else:
        runtime = f"TF {tf.__version__} tf.lite.Interpreter, num_threads=1"
    load0 = load()
    affinity = sorted(os.sched_getaffinity(0))
    runners = [(OrtRunner if e in ONNX_ENGINES else Runner)(m, e, path, data[m]) for m, e, path in plan]
    for r in runners:
        r.run(a.warmup, False)
    for _ in range(a.rounds):
        for r in runners:
            r.run(a.seconds / a.rounds, True)
    load1 = load()

    print(f"# {runtime}; {date}; {machine()}; "
          f"cpus {','.join(map(str, affinity))}; load {load0} -> {load1}")
    print(f"# {a.images} inputs per model, {a.warmup:g} s warm-up, {a.seconds:g} s in {a.rounds} interleaved rounds "
          f"per (model, engine)")
    head = ("model", "engine", "ms/image", "cpu-ms/image", "images/s", "M MAC", "GMAC/s-cpu", "GMAC/s-wall",
            "time/ort-int8" if a.onnx else "time/xnn-int8")
    print(f"{head[0]:<6} {head[1]:<14} {head[2]:>9} {head[3]:>12} {head[4]:>9} {head[5]:>7} {head[6]:>10} "
          f"{head[7]:>11} {head[8]:>13}")
    rows = []
    for r in runners:
        ms, cpu_ms = r.wall / 1e6 / r.n, r.cpu / 1e6 / r.n
        ref = next((q for q in runners if q.model == r.model and q.engine in ("xnnpack-int8", "ort-int8")), None)
        ratio = f"{cpu_ms / (ref.cpu / 1e6 / ref.n):.2f}" if ref else "-"  # by CPU time, as bitsweep bench's ratios
        row = dict(model=r.model, engine=r.engine, ms_per_image=ms, cpu_ms_per_image=cpu_ms,
                   images_per_s=r.n * 1e9 / r.wall, macs=r.macs, gmacs_per_s_cpu=r.macs / (cpu_ms * 1e-3) / 1e9,
                   gmacs_per_s_wall=r.macs / (ms * 1e-3) / 1e9, time_vs_int8_reference=ratio, inferences=r.n,
                   model_file=r.path if a.float_model else os.path.relpath(r.path, assets))
        rows.append(row)
        print(f"{r.model:<6} {r.engine:<14} {ms:9.4f} {cpu_ms:12.4f} {row['images_per_s']:9.1f} "
              f"{r.macs / 1e6:7.2f} {row['gmacs_per_s_cpu']:10.2f} {row['gmacs_per_s_wall']:11.2f} {ratio:>13}")
    if a.csv:
        import csv

        cols = ["model", "engine", "model_file", "inferences", "ms_per_image", "cpu_ms_per_image", "images_per_s",
                "macs", "gmacs_per_s_cpu", "gmacs_per_s_wall", "time_vs_int8_reference", "runtime", "date", "cpus",
                "load_before", "load_after", "seconds", "rounds", "images"]
        with open(a.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            for row in rows:
                w.writerow(dict(row, runtime=runtime, date=date, cpus=" ".join(map(str, affinity)),
                                load_before=load0, load_after=load1, seconds=a.seconds, rounds=a.rounds,
                                images=a.images))
        print(f"{PROG}: wrote {a.csv}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
