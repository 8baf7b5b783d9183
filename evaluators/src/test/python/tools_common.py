"""Helpers shared by BitSweep's Python reference tools (bench_anchor.py, tflite_ref_oracle.py,
make_imagenet_models.py). Stdlib and numpy only at import time: TensorFlow and torch are imported by the tools
themselves, after their arguments are checked, so that --help and argument errors are instant.

The MLPerf Tiny readers mirror the Java code bit for bit (evaluators/src/main/java/io/bitsweep/eval/data/):
LabelsCsv (y_labels.csv parsing), MlperfTinyDir.detect (task from class count and columns), TinyLayout.decode
(raw bytes to float32 model inputs) and DataSha (the data set's sha256). The two int8 input quantizers mirror
DjlTflitePredictor.quantize (float32 arithmetic) and Int8Quantization.quantize (double arithmetic, the exact engine).
"""

import hashlib
import os
import re
import struct
import sys
import types

import numpy as np

# TinyLayout: (classes, columns) -> task; bytes per sample; model input shape without batch; windows per sample.
TASKS = {
    "IC": dict(sample_bytes=32 * 32 * 3, shape=(32, 32, 3), windows=1),
    "VWW": dict(sample_bytes=96 * 96 * 3, shape=(96, 96, 3), windows=1),
    "KWS": dict(sample_bytes=49 * 10, shape=(49, 10, 1), windows=1),
    "AD": dict(sample_bytes=200 * 128 * 4, shape=(640,), windows=200 - 5 + 1),
}
# TinyLayout.KWS_INPUT_SCALE / KWS_INPUT_ZERO_POINT: the int8 KWS model's input parameters, bit for bit.
KWS_INPUT_SCALE = np.frombuffer(struct.pack("<I", 0x3F15AF17), dtype="<f4")[0]
KWS_INPUT_ZERO_POINT = 83
AD_MEL_BINS = 128


class ToolError(Exception):
    """An error reported as one line (`error: ...`) with a non-zero exit code."""


def fail(prog, message, code=1):
    print(f"{prog}: error: {message}", file=sys.stderr)
    sys.exit(code)


def assets_dir():
    """$BITSWEEP_ASSETS, else ../shared/mlperf-tiny beside the checkout (as bin/bitsweep and .ci/run)."""
    env = os.environ.get("BITSWEEP_ASSETS")
    if env:
        return env
    root = repo_root()
    return os.path.normpath(os.path.join(root, "..", "shared", "mlperf-tiny"))


def repo_root():
    here = os.path.dirname(os.path.abspath(__file__))  # evaluators/src/test/python
    return os.path.normpath(os.path.join(here, "..", "..", "..", ".."))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_files(paths):
    """One hash over several files' contents (e.g. a script and the helper module it imports)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(sha256_file(p).encode())
    return h.hexdigest()


def prune_stale(root, name, keep):
    """Removes root/<name>-<other key> directories: results of an older script, model or data for the same name, so
    that a cache under target/ does not grow with every change. Only exact '<name>-<16 hex>' names are touched."""
    import shutil

    for d in os.listdir(root):
        full = os.path.join(root, d)
        if (full != keep and os.path.isdir(full) and re.fullmatch(re.escape(name) + r"-[0-9a-f]{16}", d)):
            shutil.rmtree(full)


# --------------------------------------------------------------------------------------------------------------------
# MLPerf Tiny .bin directories
# --------------------------------------------------------------------------------------------------------------------

class TinyData:
    """An MLPerf Tiny .bin directory read fully into memory, in y_labels.csv order."""

    def __init__(self, directory, task, files, labels, raw):
        self.dir = directory
        self.task = task
        self.files = files
        self.labels = labels
        self.raw = raw  # list of bytes, one per sample

    @property
    def windows(self):
        return TASKS[self.task]["windows"]

    @property
    def input_shape(self):
        return TASKS[self.task]["shape"]

    def sha256(self):
        """DataSha: for each sample in order, its raw bytes then its label as int32 little-endian."""
        h = hashlib.sha256()
        for b, y in zip(self.raw, self.labels):
            h.update(b)
            h.update(struct.pack("<i", y))
        return h.hexdigest()

    def inputs(self, i):
        """Every model input of sample i as float32, shape [windows, *input_shape] (TinyLayout.decode)."""
        b = self.raw[i]
        if self.task == "IC":
            x = np.frombuffer(b, dtype=np.uint8).astype(np.float32)  # raw 0..255, no /255
        elif self.task == "VWW":
            x = np.frombuffer(b, dtype=np.uint8).astype(np.float32) / np.float32(255)  # Java: (u8) / 255f
        elif self.task == "KWS":
            q = np.frombuffer(b, dtype=np.int8).astype(np.int32)
            x = (q - KWS_INPUT_ZERO_POINT).astype(np.float32) * KWS_INPUT_SCALE  # int -> float, then one f32 multiply
        else:  # AD: window w is floats [128 w, 128 w + 640) of the file
            f = np.frombuffer(b, dtype="<f4").astype(np.float32)
            idx = np.arange(self.windows)[:, None] * AD_MEL_BINS + np.arange(5 * AD_MEL_BINS)[None, :]
            return f[idx]
        return x.reshape((1,) + self.input_shape)

    def first_inputs(self, n):
        """The first window of the first n samples, the inputs `bitsweep bench` cycles through."""
        n = min(n, len(self.raw))
        return np.stack([self.inputs(i)[0] for i in range(n)])


def _parse_int(s, where, field):
    try:
        return int(s)
    except ValueError:
        raise ToolError(f"{where}: {field} '{s}' is not an integer") from None


def read_tiny_dir(directory):
    """MlperfTinyDir.read: labels, task detection, file set and size checks; ToolError with one line on failure."""
    if not os.path.isdir(directory):
        raise ToolError(f"data directory {directory} does not exist")
    labels_file = os.path.join(directory, "y_labels.csv")
    if not os.path.isfile(labels_file):
        raise ToolError(f"{directory} has no y_labels.csv (an MLPerf Tiny data directory holds .bin files and "
                        "y_labels.csv)")
    files, labels, classes, columns = [], [], None, None
    with open(labels_file, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            where = f"{labels_file} line {n}"
            f = re.split(r"\s*,\s*", line)
            if len(f) < 3:
                raise ToolError(f"{where}: expected 'file,classes,label[,...]', got '{line}'")
            c, y = _parse_int(f[1], where, "classes"), _parse_int(f[2], where, "label")
            if classes is None:
                classes, columns = c, len(f)
            elif c != classes or len(f) != columns:
                raise ToolError(f"{where}: {len(f)} columns with {c} classes, but line 1 has {columns} columns")
            if not 0 <= y < c:
                raise ToolError(f"{where}: label {y} out of range")
            files.append(f[0])
            labels.append(y)
    if not files:
        raise ToolError(f"{labels_file} lists no samples")
    task = {(10, 3): "IC", (12, 3): "KWS", (2, 3): "VWW", (2, 5): "AD"}.get((classes, columns))
    if task is None:
        raise ToolError(f"{labels_file}: unknown MLPerf Tiny layout: {classes} classes in {columns} columns")
    present = {p for p in os.listdir(directory) if p.endswith(".bin")}
    missing = [f for f in files if f not in present]
    if missing or len(present) != len(files):
        raise ToolError(f"{labels_file} lists {len(files)} files but {directory} has {len(present)} .bin files"
                        + (f"; missing: {', '.join(missing[:3])}" if missing else ""))
    want = TASKS[task]["sample_bytes"]
    raw = []
    for f in files:
        with open(os.path.join(directory, f), "rb") as fh:
            b = fh.read()
        if len(b) != want:
            raise ToolError(f"{os.path.join(directory, f)} has {len(b)} bytes, expected {want} for {task}")
        raw.append(b)
    return TinyData(directory, task, files, np.array(labels, dtype=np.int32), raw)


# --------------------------------------------------------------------------------------------------------------------
# int8 input quantization, as the Java engines do it
# --------------------------------------------------------------------------------------------------------------------

def quantize_exact(x, scale, zero_point):
    """Int8Quantization.quantize (the exact engine): round_half_away(x / (double) scale) + zp, clamped; in double."""
    v = np.asarray(x, dtype=np.float32).astype(np.float64) / np.float64(np.float32(scale))
    a = np.abs(v)
    r = np.floor(a)
    r = r + (a - r >= 0.5)
    q = np.copysign(r, v).astype(np.int64) + int(zero_point)
    return np.clip(q, -128, 127).astype(np.int8)


def quantize_djl(x, scale, zero_point):
    """DjlTflitePredictor.quantize: x / scale and |x| + 0.5f in float32, floor, sign, + zp, clamped."""
    v = np.asarray(x, dtype=np.float32) / np.float32(scale)
    t = np.floor(np.abs(v) + np.float32(0.5)).astype(np.float32)
    q = (np.sign(v) * t).astype(np.int64) + int(zero_point)
    return np.clip(q, -128, 127).astype(np.int8)


# --------------------------------------------------------------------------------------------------------------------
# .tflite structure: op list and MACs from the flatbuffer (no interpreter, so no delegate rewrites the graph)
# --------------------------------------------------------------------------------------------------------------------

def tflite_schema():
    """TF's generated flatbuffer schema module, loaded from its file: importing it as tensorflow.lite.python.* would
    run TensorFlow's package __init__ (5 to 10 s here), which a cached run or a MAC count does not need."""
    import importlib.util

    if "bitsweep_tflite_schema" in sys.modules:
        return sys.modules["bitsweep_tflite_schema"]
    spec = importlib.util.find_spec("tensorflow")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ToolError("tensorflow is not installed in this python (use the venv of bin/pyenv-tools)")
    path = os.path.join(list(spec.submodule_search_locations)[0], "lite", "python", "schema_py_generated.py")
    mspec = importlib.util.spec_from_file_location("bitsweep_tflite_schema", path)
    module = importlib.util.module_from_spec(mspec)
    mspec.loader.exec_module(module)
    sys.modules["bitsweep_tflite_schema"] = module
    return module


def tflite_ops(path):
    """[(op name, version, input shapes, output shapes)] of subgraph 0, in execution order."""
    schema = tflite_schema()
    with open(path, "rb") as f:
        buf = f.read()
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(buf, 0))
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    sg = model.subgraphs[0]

    def shape(i):
        # Python ints: the flatbuffer gives int32 arrays, and int32 products overflow for large models' MACs.
        return None if i < 0 else [int(v) for v in sg.tensors[i].shape] if sg.tensors[i].shape is not None else []

    ops = []
    for op in sg.operators:
        code = model.operatorCodes[op.opcodeIndex]
        b = max(code.builtinCode, code.deprecatedBuiltinCode)  # deprecated field holds codes < 127
        name = names.get(b, f"BUILTIN_{b}")
        if name == "CUSTOM":
            name = "CUSTOM:" + (code.customCode.decode() if code.customCode else "?")
        ops.append((name, code.version, [shape(i) for i in op.inputs], [shape(i) for i in op.outputs]))
    return ops


def tflite_softmax_input_scales(path):
    """beta * input scale of every SOFTMAX op (None for a float input). TF 2.21's reference int8 softmax
    (BUILTIN_REF) prepares with PreprocessSoftmaxScaling -> QuantizeMultiplierGreaterThanOne, whose
    TFLITE_CHECK_GT(multiplier, 1) aborts the process (SIGABRT, at allocate_tensors) when
    beta * scale * 2^26 <= 1, i.e. beta * scale <= 1.49e-8; random-init models produce such scales."""
    schema = tflite_schema()
    with open(path, "rb") as f:
        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(f.read(), 0))
    sg = model.subgraphs[0]
    out = []
    for op in sg.operators:
        code = model.operatorCodes[op.opcodeIndex]
        if max(code.builtinCode, code.deprecatedBuiltinCode) == schema.BuiltinOperator.SOFTMAX:
            q = sg.tensors[op.inputs[0]].quantization
            beta = op.builtinOptions.beta if op.builtinOptions is not None else 1.0
            out.append(float(beta) * float(q.scale[0]) if q is not None and q.scale is not None and len(q.scale)
                       else None)
    return out


def op_histogram(ops):
    """{'CONV_2D v3': 9, ...} in first-appearance order."""
    out = {}
    for name, version, _, _ in ops:
        key = f"{name} v{version}"
        out[key] = out.get(key, 0) + 1
    return out


def tflite_macs(path):
    """MACs per inference, as the Java importer counts them (docs/MODELS.md): conv Ho*Wo*Cout*kh*kw*Cin,
    depthwise Ho*Wo*Cout*kh*kw, FC rows*out*in; other ops count 0."""
    total = 0
    for name, _, ins, outs in tflite_ops(path):
        out = int(np.prod(outs[0]))  # N*Ho*Wo*Cout or rows*out
        if name == "CONV_2D":  # weights [Cout, kh, kw, Cin]
            total += out * int(np.prod(ins[1][1:]))
        elif name == "DEPTHWISE_CONV_2D":  # weights [1, kh, kw, Cout]
            total += out * ins[1][1] * ins[1][2]
        elif name == "FULLY_CONNECTED":  # weights [out, in]
            total += out * ins[1][1]
    return total


def onnx_macs(path):
    """MACs per inference of an .onnx model, counted as tflite_macs counts them (the Java importer's count): Conv
    N*Ho*Wo*Cout*kh*kw*Cin/groups (depthwise included), Gemm and MatMul rows*out*in; other ops count 0. Shapes come
    from ONNX shape inference."""
    import onnx

    m = onnx.shape_inference.infer_shapes(onnx.load(path))
    shapes = {}
    for v in list(m.graph.value_info) + list(m.graph.input) + list(m.graph.output):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    for t in m.graph.initializer:
        shapes[t.name] = list(t.dims)
    total = 0
    for node in m.graph.node:
        if node.op_type == "Conv":  # W [Cout, Cin/groups, kh, kw]; out [N, Cout, Ho, Wo]
            total += int(np.prod(shapes[node.output[0]])) * int(np.prod(shapes[node.input[1]][1:]))
        elif node.op_type in ("Gemm", "MatMul"):  # out [rows, out]; the reduced dimension from the first input
            total += int(np.prod(shapes[node.output[0]])) * shapes[node.input[0]][-1]
    return total


# --------------------------------------------------------------------------------------------------------------------
# torchvision on this machine
# --------------------------------------------------------------------------------------------------------------------

def import_torchvision():
    """Imports torchvision without its fake-kernel registrations. The index's torchvision 0.28.0 wheel is a CUDA
    build: its _C.so links libc10_cuda.so, which the CPU torch does not ship, so `import torchvision` dies in
    _meta_registrations (`operator torchvision::nms does not exist`). That module only registers fake kernels of the
    detection ops (nms, roi_align, ...) for torch.compile; the model definitions and torch.onnx.export (TorchScript)
    never use them, so an empty module stands in for it (harmless with a working torchvision too)."""
    sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
    import torchvision

    return torchvision
