#!/usr/bin/env python3
"""TF 2.21 reference-kernel oracle (issue 14, item 1): runs the MLPerf Tiny int8 models through TensorFlow 2.21's
tf.lite.Interpreter with experimental_op_resolver_type=BUILTIN_REF (TFLite's reference kernels, the arithmetic
TFLite Micro shares) on every sample of their data set, every window for AD, and keeps the raw int8 outputs and the
int8 input bytes it fed. The Java engine's `tflite-micro` arithmetic profile must reproduce these outputs byte for
byte.

Output, per model, in a cache directory keyed by (model sha256, data sha256, this tool's hash, the tools venv's
requirements, the input rounding), default target/tflite-ref-oracle/<model>-<key>/:
  inputs.npy   int8, the exact bytes fed: [N, *input shape] (e.g. [200, 32, 32, 3]), for AD [N, 196, 640]
  outputs.npy  int8, the raw output tensor: [N, outputs], for AD [N, 196, 640]; rows in y_labels.csv order
  meta.json    model and data paths and sha256, TF version, resolver, quantization parameters, timings, status,
               and with --djl the comparison with DJL's TFLite 2.6.2 outputs
A second run with the same key reuses the cache (prints the paths, no TF start-up).

Inputs: the data set decoded as the Java TinyLayout does, quantized as the exact engine does (Int8Quantization:
round half away from zero in double; --input-rounding djl uses DjlTflitePredictor's float32 arithmetic instead).

Each model runs in its own child process: the reference softmax aborts the process (SIGABRT) when its input scale
is tiny (beta * scale <= 2^-26 = 1.5e-8, as in random-init models), and one model's abort must not lose the
others. Such a model is reported
(`aborted`, with its softmax input scales) and the run goes on; it fails the run (exit 1) only with --strict, or
when the abort is not explained by a tiny softmax input scale.

--djl runs `bin/bitsweep eval --model M --data D --engine djl --save-outputs F.npy` (DJL 0.27 = TFLite 2.6.2, the
project's byte-exact reference; outputs cached under <cache>/djl/) and counts the rows whose int8 bytes differ from
the oracle's.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from tool_args import OneLineParser

PROG = "tflite_ref_oracle"
MODELS = {
    "ic": ("models/ic/pretrainedResnet_quant.tflite", "data/ic01"),
    "vww": ("models/vww/vww_96_int8.tflite", "data/vww01"),
    "kws": ("models/kws/kws_ref_model.tflite", "data/kws01"),
    "ad": ("models/ad/ad01_int8.tflite", "data/ad01"),
}
# The known BUILTIN_REF abort: beta * softmax input scale * 2^26 <= 1 fails TFLITE_CHECK_GT(multiplier, 1) in
# QuantizeMultiplierGreaterThanOne (tools_common.tflite_softmax_input_scales). Real models have scales > 1e-3.
TINY_SOFTMAX_SCALE = 2.0 ** -26
HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(argv):
    p = OneLineParser(
        prog=PROG,
        description="Raw int8 outputs of TF 2.21's reference kernels (BUILTIN_REF) on every sample of the MLPerf "
                    "Tiny int8 models, cached under target/, optionally compared with DJL's TFLite 2.6.2.",
        epilog="Models: ic (pretrainedResnet_quant.tflite, ic01), vww (vww_96_int8.tflite, vww01), kws "
               "(kws_ref_model.tflite, kws01), ad (ad01_int8.tflite, ad01, all 196 windows per sample). "
               "Run with the tools venv: $(bin/pyenv-tools) " + os.path.relpath(__file__, os.getcwd()))
    p.add_argument("--models", default="ic,vww,kws,ad", metavar="M[,M...]",
                   help="MLPerf Tiny models, from ic, vww, kws, ad (default: %(default)s); 'none' for only --pair")
    p.add_argument("--pair", action="append", default=[], metavar="MODEL.tflite=DATA_DIR",
                   help="also run this int8 model on this MLPerf Tiny .bin directory (repeatable)")
    p.add_argument("--assets", metavar="DIR", help="MLPerf Tiny assets (default: $BITSWEEP_ASSETS, else "
                                                    "../shared/mlperf-tiny beside the checkout)")
    p.add_argument("--cache", metavar="DIR", help="cache root (default: target/tflite-ref-oracle in the repo)")
    p.add_argument("--input-rounding", choices=["exact", "djl"], default="exact",
                   help="quantize inputs as the exact engine (double, default) or as DjlTflitePredictor (float32)")
    p.add_argument("--djl", action="store_true",
                   help="compare with DJL's TFLite 2.6.2 int8 outputs (bin/bitsweep eval --engine djl)")
    p.add_argument("--bitsweep", metavar="PATH", help="the launcher for --djl (default: bin/bitsweep of this repo)")
    p.add_argument("--force", action="store_true", help="recompute even when the cache has the result")
    p.add_argument("--strict", action="store_true", help="exit 1 when any model aborts, even the known softmax case")
    p.add_argument("--json", metavar="FILE", help="also write every model's meta.json into one JSON list")
    p.add_argument("--worker", help=argparse.SUPPRESS)  # internal: one model in a child process
    a = p.parse_args(argv)
    if a.worker:
        return a
    names = [] if a.models.strip() == "none" else [m.strip() for m in a.models.split(",") if m.strip()]
    for m in names:
        if m not in MODELS:
            p.error(f"--models: unknown model '{m}' (allowed: {', '.join(MODELS)}, none)")
    a.models = names
    pairs = []
    for s in a.pair:
        if "=" not in s:
            p.error(f"--pair: expected MODEL.tflite=DATA_DIR, got '{s}'")
        m, d = s.split("=", 1)
        pairs.append((os.path.splitext(os.path.basename(m))[0], m, d))
    a.pairs = pairs
    if not names and not pairs:
        p.error("nothing to run: --models none and no --pair")
    return a


# --------------------------------------------------------------------------------------------------------------------
# child process: one model, every sample
# --------------------------------------------------------------------------------------------------------------------

def worker(spec):
    """Runs one model over its data set with BUILTIN_REF and writes inputs.npy / outputs.npy / worker.json."""
    import warnings

    warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
    import numpy as np
    import tensorflow as tf

    import tools_common as tc

    data = tc.read_tiny_dir(spec["data"])
    t0 = time.time()
    it = tf.lite.Interpreter(model_path=spec["model"], num_threads=1,
                             experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    ind, outd = it.get_input_details(), it.get_output_details()
    if len(ind) != 1 or len(outd) != 1:
        raise tc.ToolError(f"{spec['model']}: {len(ind)} inputs and {len(outd)} outputs (expected one of each)")
    ind, outd = ind[0], outd[0]
    if ind["dtype"] != np.int8 or outd["dtype"] != np.int8:
        raise tc.ToolError(f"{spec['model']}: input {ind['dtype'].__name__}, output {outd['dtype'].__name__} "
                           "(the oracle is for int8-in, int8-out models)")
    shape = tuple(ind["shape"][1:])
    if int(np.prod(shape)) != int(np.prod(data.input_shape)):
        raise tc.ToolError(f"model {spec['model']} takes input {list(ind['shape'])} but data {spec['data']} "
                           f"({data.task}) gives {list(data.input_shape)}")
    scale, zp = ind["quantization"]
    quantize = tc.quantize_exact if spec["rounding"] == "exact" else tc.quantize_djl
    n, w, nout = len(data.files), data.windows, int(np.prod(outd["shape"]))
    xs = np.empty((n, w) + shape, dtype=np.int8)
    ys = np.empty((n, w, nout), dtype=np.int8)
    for i in range(n):
        xq = quantize(data.inputs(i), scale, zp).reshape((w,) + shape)
        xs[i] = xq
        for k in range(w):
            it.set_tensor(ind["index"], xq[k][None])
            it.invoke()
            ys[i, k] = it.get_tensor(outd["index"]).reshape(-1)
        if (i + 1) % max(1, n // 4) == 0:
            print(f"{PROG}: {os.path.basename(spec['model'])}: {i + 1}/{n} samples, {time.time() - t0:.1f} s",
                  file=sys.stderr, flush=True)
    if w == 1:  # [N, outputs] and [N, *shape]; AD keeps its window axis
        xs, ys = xs[:, 0], ys[:, 0]
    np.save(os.path.join(spec["out"], "inputs.npy"), xs)
    np.save(os.path.join(spec["out"], "outputs.npy"), ys)
    oq = outd["quantization"]
    with open(os.path.join(spec["out"], "worker.json"), "w") as f:
        json.dump(dict(tf_version=tf.__version__, input_shape=list(xs.shape), output_shape=list(ys.shape),
                       input_quant=[float(scale), int(zp)], output_quant=[float(oq[0]), int(oq[1])],
                       task=data.task, samples=n, windows=w, inferences=n * w,
                       seconds=round(time.time() - t0, 2)), f)


# --------------------------------------------------------------------------------------------------------------------
# parent: cache, child processes, DJL comparison, report
# --------------------------------------------------------------------------------------------------------------------

def run_model(a, tc, name, model, data_dir, cache_root, req_hash, tool_hash):
    """Returns the model's meta dict (status ok / aborted / failed), computing it unless cached."""
    if not os.path.isfile(model):
        raise tc.ToolError(f"model file {model} does not exist (set --assets or $BITSWEEP_ASSETS)")
    data = tc.read_tiny_dir(data_dir)
    model_sha, data_sha = tc.sha256_file(model), data.sha256()
    key = hashlib.sha256("\n".join([model_sha, data_sha, tool_hash, req_hash, a.input_rounding]).encode())
    out = os.path.join(cache_root, f"{name}-{key.hexdigest()[:16]}")
    meta_file = os.path.join(out, "meta.json")
    if os.path.isfile(meta_file) and not a.force:
        with open(meta_file) as f:
            meta = json.load(f)
        meta["cached"] = True
    else:
        meta = dict(name=name, model=os.path.abspath(model), model_sha256=model_sha, data=os.path.abspath(data_dir),
                    data_sha256=data_sha, task=data.task, samples=len(data.files), tool_sha256=tool_hash,
                    requirements_sha256=req_hash, resolver="BUILTIN_REF", input_rounding=a.input_rounding,
                    softmax_beta_input_scales=tc.tflite_softmax_input_scales(model), files=data.files)
        tmp = tempfile.mkdtemp(prefix=f".{name}-", dir=cache_root)
        spec = dict(model=os.path.abspath(model), data=os.path.abspath(data_dir), out=tmp, rounding=a.input_rounding)
        t0 = time.time()
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        meta["wall_seconds"] = round(time.time() - t0, 2)
        for line in proc.stderr.splitlines():  # keep the child's own messages, not TF's start-up chatter
            if line.startswith(PROG) or "Error" in line or "Check failed" in line or "Abort" in line:
                print(line, file=sys.stderr)
        if proc.returncode == 0:
            with open(os.path.join(tmp, "worker.json")) as f:
                meta.update(json.load(f))
            meta["status"] = "ok"
        elif proc.returncode < 0:
            sig = signal.Signals(-proc.returncode).name
            tiny = [s for s in meta["softmax_beta_input_scales"] if s is not None and s <= TINY_SOFTMAX_SCALE]
            meta["status"] = "aborted"
            meta["signal"] = sig
            meta["known_softmax_abort"] = sig == "SIGABRT" and bool(tiny)
            meta["reason"] = (f"{sig} in BUILTIN_REF: softmax beta * input scale {tiny[0]:.3g} <= 2^-26, which TF "
                              "2.21's reference softmax cannot represent (QuantizeMultiplierGreaterThanOne check)"
                              ) if meta["known_softmax_abort"] else (
                f"{sig} in BUILTIN_REF; stderr tail: " + " | ".join(proc.stderr.strip().splitlines()[-3:]))
        else:
            meta["status"] = "failed"
            tail = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()][-1:] or ["?"]
            meta["reason"] = tail[0]
        with open(os.path.join(tmp, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1)
        if os.path.isdir(out):
            shutil.rmtree(out)
        os.replace(tmp, out)  # complete results only: the directory appears with everything in it
        tc.prune_stale(cache_root, name, out)
        meta["cached"] = False
    meta["dir"] = out
    if a.djl and meta["status"] == "ok":
        compare_djl(a, tc, meta, out, cache_root)
    return meta


def compare_djl(a, tc, meta, out, cache_root):
    """Counts rows whose int8 bytes differ between the oracle and DJL's TFLite 2.6.2 (cached per model and data)."""
    import numpy as np

    djl_dir = os.path.join(cache_root, "djl")
    os.makedirs(djl_dir, exist_ok=True)
    djl_file = os.path.join(djl_dir, f"{meta['name']}-{meta['model_sha256'][:16]}-{meta['data_sha256'][:16]}.npy")
    if not os.path.isfile(djl_file) or a.force:
        launcher = a.bitsweep or os.path.join(tc.repo_root(), "bin", "bitsweep")
        tmp = djl_file + ".tmp.npy"
        t0 = time.time()
        proc = subprocess.run([launcher, "eval", "--model", meta["model"], "--data", meta["data"], "--engine", "djl",
                               "--save-outputs", tmp], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            meta["djl"] = dict(error=(proc.stderr.strip().splitlines() or ["?"])[-1])
            return
        os.replace(tmp, djl_file)
        print(f"{PROG}: {meta['name']}: DJL outputs in {time.time() - t0:.1f} s ({proc.stdout.strip()})",
              file=sys.stderr)
    ref = np.load(os.path.join(out, "outputs.npy"))
    djl = np.load(djl_file)
    if djl.shape != ref.shape or djl.dtype != np.int8:
        meta["djl"] = dict(error=f"DJL outputs {djl.dtype}{list(djl.shape)}, oracle int8{list(ref.shape)}")
        return
    diff = np.abs(ref.astype(np.int16) - djl.astype(np.int16))
    rows = diff.reshape(-1, diff.shape[-1]).max(axis=-1) > 0  # a row: one sample's (AD: one window's) outputs
    res = dict(file=djl_file, rows=int(rows.size), rows_differing=int(rows.sum()), max_lsb=int(diff.max()),
               values_differing=int((diff > 0).sum()))
    if ref.ndim == 3:  # AD: also samples with any differing window
        res["samples_differing"] = int((diff.reshape(diff.shape[0], -1).max(axis=1) > 0).sum())
    else:  # classifiers: top-1 (first index on ties, as the Java metrics)
        res["top1_agree"] = int((ref.argmax(axis=1) == djl.argmax(axis=1)).sum())
    # Are any differences due to the inputs? DJL quantizes in float32; compare with what the oracle fed.
    xs = np.load(os.path.join(out, "inputs.npy"))
    if meta["input_rounding"] == "exact":
        data = tc.read_tiny_dir(meta["data"])
        scale, zp = meta["input_quant"]
        xd = np.stack([tc.quantize_djl(data.inputs(i), scale, zp).reshape(xs.shape[1:]) for i in range(len(xs))])
        in_rows = (xd != xs).reshape(rows.shape[0], -1).any(axis=1)
    else:
        in_rows = np.zeros_like(rows)
    res["input_rows_differing"] = int(in_rows.sum())  # rows whose int8 input differs between the two roundings
    res["rows_differing_same_input"] = int((rows & ~in_rows).sum())  # differences that are the kernels' alone
    meta["djl"] = res
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump({k: v for k, v in meta.items() if k not in ("dir", "cached")}, f, indent=1)


def main(argv):
    a = parse_args(argv)
    sys.path.insert(0, HERE)
    if a.worker:
        import tools_common as tc

        try:
            worker(json.loads(a.worker))
        except tc.ToolError as e:
            print(f"{PROG}: error: {e}", file=sys.stderr)
            return 1
        return 0
    import tools_common as tc

    assets = a.assets or tc.assets_dir()
    cache_root = a.cache or os.path.join(tc.repo_root(), "target", "tflite-ref-oracle")
    os.makedirs(cache_root, exist_ok=True)
    tool_hash = tc.sha256_files([os.path.abspath(__file__), os.path.join(HERE, "tools_common.py")])
    req = os.path.join(tc.repo_root(), "bin", "tools-requirements.txt")
    req_hash = tc.sha256_file(req) if os.path.isfile(req) else "-"
    jobs = [(m, os.path.join(assets, MODELS[m][0]), os.path.join(assets, MODELS[m][1])) for m in a.models] + a.pairs
    for name, model, data_dir in jobs:  # fail fast on a missing file, before minutes of work
        if not os.path.isfile(model):
            tc.fail(PROG, f"model file {model} does not exist (set --assets or $BITSWEEP_ASSETS)")
        if not os.path.isdir(data_dir):
            tc.fail(PROG, f"data directory {data_dir} does not exist")
    metas, bad = [], []
    for name, model, data_dir in jobs:
        try:
            meta = run_model(a, tc, name, model, data_dir, cache_root, req_hash, tool_hash)
        except tc.ToolError as e:
            tc.fail(PROG, str(e))
        metas.append(meta)
        st = meta["status"]
        if st == "failed" or (st == "aborted" and (a.strict or not meta.get("known_softmax_abort"))):
            bad.append(name)
        elif "error" in meta.get("djl", {}):
            bad.append(f"{name} (DJL comparison)")
    nw = max(8, max(len(m["name"]) for m in metas) + 1)
    print(f"{'model':<{nw}} {'status':<8} {'rows':>6} {'shape':<16} {'seconds':>8} {'vs DJL 2.6.2: rows differing':<34}"
          " cache")
    for m in metas:
        shape = "x".join(map(str, m.get("output_shape", []))) or "-"
        secs = "cached" if m.get("cached") else f"{m.get('wall_seconds', 0):.1f}"
        if "djl" in m:
            d = m["djl"]
            if "error" in d:
                cmp = "error: " + d["error"]
            else:
                cmp = f"{d['rows_differing']}/{d['rows']} (max {d['max_lsb']} LSB"
                if d["input_rows_differing"]:
                    cmp += f", {d['rows_differing_same_input']} with equal inputs"
                cmp += (f", {d['samples_differing']}/{m['samples']} samples)" if "samples_differing" in d
                        else f", top-1 {d['top1_agree']}/{d['rows']} agree)")
        else:
            cmp = "-"
        print(f"{m['name']:<{nw}} {m['status']:<8} {m['samples']:>6} {shape:<16} {secs:>8} {cmp:<34} {m['dir']}")
        if m["status"] != "ok":
            print(f"{'':<{nw}} {m['reason']}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(metas, f, indent=1)
    if bad:
        tc.fail(PROG, f"failed: {', '.join(bad)} (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
