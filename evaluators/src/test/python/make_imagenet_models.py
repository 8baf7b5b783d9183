#!/usr/bin/env python3
"""Generated ImageNet-architecture test models (issue 15, item 3), random weights with fixed seeds, never downloaded:

  keras_mobilenet_v2_96, keras_mobilenet_v3_small_96, keras_mobilenet_v2_160
      Keras applications (weights=None, 1000 classes, batch 1) converted by TF 2.21 to float TFLite and full-int8
      TFLite (int8 in and out; representative data: real VWW images). Int8 in two variants where the model has a
      Dense layer: `int8` (the converter's default: per-channel FULLY_CONNECTED weights, which TFLite 2.6.2 silently
      runs with a zero scale, STACK-NOTES) and `int8_fc_per_tensor`
      (`_experimental_disable_per_channel_quantization_for_dense_layers=True`, what 2.6.2 runs correctly).
  tv_resnet18_96 (initializers as external data), tv_mobilenet_v2_96
      torchvision (weights=None) exported to ONNX with torch.onnx.export(..., dynamo=False), opset 17, batch 1.

Random-init networks give vanishing logits (every output equal), so before export every BatchNorm layer's
statistics are recalibrated on 200 real VWW images (forward passes with BN in training mode, cumulative averages);
the script then checks that the outputs on held-out real images are not all equal, and fails loudly if they are.
The Keras classifiers are also scaled to a logit spread of LOGIT_STD (see there), so that their int8 1000-way softmax
outputs are not just -128/-127.

Per model, in target/generated-models/<name>-<key>/ (key: hash of this script, tools_common.py, the tools venv's
requirements, the model's spec and the VWW data's sha256; a re-run with the same key only prints the paths):
  *.tflite / *.onnx (+ .onnx.data)    the models
  inputs_u8.npy       [K,H,W,3] uint8 (TFLite) or [K,3,H,W] uint8 (ONNX): the test images (VWW, resized if needed)
  inputs_f32.npy      the float model input made from inputs_u8 (manifest "preprocess": NHWC / NCHW float32)
  inputs_int8*.npy    each int8 TFLite's input (inputs_f32 quantized with that model's input parameters, as the
                      exact engine does)
  ref_*.npy           reference outputs: TF 2.21 float TFLite (XNNPACK and built-in kernels), each int8 TFLite
                      (XNNPACK, built-in, BUILTIN_REF reference kernels), Keras itself; ONNX Runtime and torch for ONNX
  manifest.json       spec, preprocessing, files with sha256, op lists, MACs, checks, versions
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from tool_args import OneLineParser

PROG = "make_imagenet_models"
HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 15
# Real images: VWW (96x96 RGB). Disjoint ranges for BN statistics, int8 calibration and the test inputs.
BN_IMAGES = range(0, 200)
CALIB_IMAGES = range(200, 300)
TEST_IMAGES = range(900, 908)
# Keras models end in a 1000-way softmax. After BN recalibration their logits have a spread of about 1 across classes,
# so every probability is ~0.001-0.005 and the int8 softmax output is -128 or -127 everywhere: a useless test. The
# classifier's weights and bias are scaled so that the logits' standard deviation across classes (mean over the BN
# images) is this value, which spreads the int8 outputs over tens of LSB (architecture and ops unchanged).
LOGIT_STD = 4.0

SPECS = {
    "keras_mobilenet_v2_96": dict(framework="keras", arch="MobileNetV2", size=96),
    "keras_mobilenet_v3_small_96": dict(framework="keras", arch="MobileNetV3Small", size=96),
    "keras_mobilenet_v2_160": dict(framework="keras", arch="MobileNetV2", size=160),
    # The TFLite ops no Keras application above has (PAD that the converter cannot fold into a conv, CONCATENATION,
    # LOGISTIC, MAX_POOL_2D) next to HARD_SWISH, MEAN and a squeeze-excite MUL, in one small network.
    "keras_ops_mix_96": dict(framework="keras", arch="OpsMix", size=96),
    # Two FULLY_CONNECTED layers and no softmax: the per-channel FC that TFLite 2.6.2 computes with a zero scale,
    # small enough that TF 2.21's reference kernels are the oracle for its bytes (no chaotic network in front).
    "keras_fc_stack_96": dict(framework="keras", arch="FcStack", size=96),
    "tv_resnet18_96": dict(framework="torch", arch="resnet18", size=96, external_data=True),
    "tv_mobilenet_v2_96": dict(framework="torch", arch="mobilenet_v2", size=96, external_data=False),
    "tv_mobilenet_v3_small_96": dict(framework="torch", arch="mobilenet_v3_small", size=96, external_data=False),
    "tv_efficientnet_b0_96": dict(framework="torch", arch="efficientnet_b0", size=96, external_data=False),
    # The ONNX ops torchvision's classifiers above do not export: a BatchNormalization that no Conv absorbs, Pad,
    # Concat, AveragePool, ReduceMean, MatMul, Sigmoid, Softmax.
    "tv_ops_mix_96": dict(framework="torch", arch="OpsMix", size=96, external_data=False),
    # Made only when named in --only: the big layers `bitsweep bench` times (issue 15, item 4).
    "keras_mobilenet_v2_224": dict(framework="keras", arch="MobileNetV2", size=224, on_request=True),
    "tv_resnet50_224": dict(framework="torch", arch="resnet50", size=224, external_data=True, on_request=True),
}
# The float input each framework's model takes, from the uint8 image (documented in every manifest).
KERAS_PREPROCESS = "NHWC float32 x = u8 / 127.5 - 1 (keras.applications preprocess_input, 'tf' mode)"
TORCH_MEAN, TORCH_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
TORCH_PREPROCESS = "NCHW float32 x = (u8 / 255 - mean) / std, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225)"


def parse_args(argv):
    p = OneLineParser(prog=PROG, description="Generate random-weight ImageNet-architecture test models (Keras "
                      "MobileNetV2/V3Small -> float and int8 TFLite; torchvision resnet18/mobilenet_v2 -> ONNX) with "
                      "recalibrated BatchNorm, test inputs and reference outputs, cached under "
                      "target/generated-models/.",
                      epilog="Models: " + ", ".join(SPECS) + ". Run with the tools venv: $(bin/pyenv-tools) "
                             + os.path.relpath(__file__, os.getcwd()))
    p.add_argument("--only", metavar="NAME[,NAME...]", help="generate only these models (default: all)")
    p.add_argument("--out", metavar="DIR", help="cache root (default: target/generated-models in the repo)")
    p.add_argument("--assets", metavar="DIR", help="MLPerf Tiny assets, for the VWW images (default: "
                                                    "$BITSWEEP_ASSETS, else ../shared/mlperf-tiny)")
    p.add_argument("--force", action="store_true", help="regenerate even when the cache has the model")
    p.add_argument("--list", action="store_true", help="list the models and exit")
    p.add_argument("--ref-worker", help=argparse.SUPPRESS)  # internal: BUILTIN_REF in a child process
    a = p.parse_args(argv)
    if a.ref_worker:
        return a
    a.only = ([s.strip() for s in a.only.split(",") if s.strip()] if a.only
              else [n for n, s in SPECS.items() if not s.get("on_request")])
    for s in a.only:
        if s not in SPECS:
            p.error(f"--only: unknown model '{s}' (allowed: {', '.join(SPECS)})")
    return a


# --------------------------------------------------------------------------------------------------------------------
# images
# --------------------------------------------------------------------------------------------------------------------

def vww_u8(data, idx, size):
    """VWW images idx as uint8 [n, size, size, 3]; resized (bilinear, half-pixel centres, rounded) when size != 96."""
    import numpy as np

    x = np.stack([np.frombuffer(data.raw[i], dtype=np.uint8).reshape(96, 96, 3) for i in idx])
    if size == 96:
        return x
    import tensorflow as tf

    r = tf.image.resize(tf.constant(x, tf.float32), (size, size), method="bilinear", antialias=False).numpy()
    return np.clip(np.round(r), 0, 255).astype(np.uint8)


def keras_input(u8):
    import numpy as np

    return u8.astype(np.float32) / np.float32(127.5) - np.float32(1)


def torch_input(u8):
    """NHWC uint8 -> NCHW normalized float32."""
    import numpy as np

    x = u8.astype(np.float32) / np.float32(255)
    x = (x - np.array(TORCH_MEAN, np.float32)) / np.array(TORCH_STD, np.float32)
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def check_not_vanishing(what, out, integer=False):
    """Fails loudly when the outputs on real images are all equal (the random-init failure this script guards)."""
    import numpy as np

    out = np.asarray(out).reshape(len(out), -1).astype(np.float64)
    within = np.ptp(out, axis=1)  # spread of each row's outputs
    across = np.ptp(out, axis=0).max()  # do different images give different outputs?
    # int8: every row must span at least 4 LSB (a 1000-way softmax of weak logits gives only -128/-127)
    eps = 3.5 if integer else 1e-6 * max(1.0, float(np.abs(out).max()))
    if within.min() <= eps or across <= eps:
        raise RuntimeError(f"{what}: outputs on real images are (nearly) all equal (min row spread {within.min():.3g}, "
                           f"max spread across images {across:.3g}): BatchNorm recalibration did not take")
    return dict(min_row_spread=float(within.min()), max_spread_across_images=float(across),
                distinct_top1=int(len(set(out.argmax(axis=1).tolist()))))


# --------------------------------------------------------------------------------------------------------------------
# Keras -> TFLite
# --------------------------------------------------------------------------------------------------------------------

def make_keras(name, spec, data, out, tc):
    import numpy as np
    import tensorflow as tf
    import keras

    # A fresh Keras state per model: auto-generated layer names (which end up as tensor names in the .tflite) come
    # from global counters, so without this a model's bytes depended on which models were made before it.
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    size = spec["size"]
    inp = keras.Input((size, size, 3), batch_size=1, name="input")
    if spec["arch"] == "MobileNetV2":
        model = keras.applications.MobileNetV2(input_tensor=inp, weights=None, classes=1000)
    elif spec["arch"] == "MobileNetV3Small":  # include_preprocessing's Rescaling would add MUL/ADD; input in [-1, 1]
        model = keras.applications.MobileNetV3Small(input_tensor=inp, weights=None, classes=1000,
                                                    include_preprocessing=False)
    elif spec["arch"] == "OpsMix":
        model = keras_ops_mix(keras, inp)
    else:
        model = keras_fc_stack(keras, inp)
    log = {}
    t0 = time.time()
    # BatchNorm recalibration: BN layers in training mode normalize with the batch statistics; with momentum
    # (k-1)/k for batch k the moving statistics end as the average over all batches. The only Dropout (V3) sits after
    # the last BN, so training=True changes nothing upstream of a BN.
    bns = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    for layer in bns:
        layer.moving_mean.assign(np.zeros(layer.moving_mean.shape, np.float32))
        layer.moving_variance.assign(np.ones(layer.moving_variance.shape, np.float32))
    x_bn = keras_input(vww_u8(data, BN_IMAGES, size))
    for k, start in enumerate(range(0, len(x_bn), 50), 1):
        for layer in bns:
            layer.momentum = (k - 1) / k
        model(x_bn[start:start + 50], training=True)
    log["bn_layers"] = len(bns)
    log["bn_recalibration_seconds"] = round(time.time() - t0, 1)
    # Logit temperature (LOGIT_STD): the classifier is the last layer with weights (V2: Dense 'predictions' with the
    # softmax fused; V3: the 1x1 Conv2D 'logits', then Flatten and softmax), so scaling its kernel and bias by s scales
    # the logits by s. log(softmax) differs from the logits by a per-row constant: same spread across classes.
    if spec["arch"] != "FcStack":  # FcStack ends in logits, not a softmax: nothing to spread
        clf = [layer for layer in model.layers if isinstance(layer, (keras.layers.Dense, keras.layers.Conv2D))][-1]
        probs = np.concatenate([model(x_bn[i:i + 50], training=False).numpy() for i in range(0, len(x_bn), 50)])
        spread = float(np.log(np.maximum(probs.reshape(len(probs), -1), 1e-30)).std(axis=1).mean())
        scale = LOGIT_STD / spread
        clf.kernel.assign(clf.kernel.numpy() * scale)
        clf.bias.assign(clf.bias.numpy() * scale)
        log["classifier"] = dict(layer=clf.name, logit_std_before=round(spread, 4), scale=round(scale, 4))

    u8 = vww_u8(data, TEST_IMAGES, size)
    x = keras_input(u8)
    keras_out = np.concatenate([model(x[i:i + 1], training=False).numpy() for i in range(len(x))])
    log["check_keras"] = check_not_vanishing(f"{name} (Keras float)", keras_out)
    np.save(os.path.join(out, "inputs_u8.npy"), u8)
    np.save(os.path.join(out, "inputs_f32.npy"), x)
    np.save(os.path.join(out, "ref_keras.npy"), keras_out)

    # Conversion: batch-1 input (Keras 3 with a dynamic batch would add SHAPE/STRIDED_SLICE/PACK ops).
    t0 = time.time()
    files = {}
    with open(os.path.join(out, f"{name}_float.tflite"), "wb") as f:
        f.write(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    files["float"] = f"{name}_float.tflite"
    calib = keras_input(vww_u8(data, CALIB_IMAGES, size))

    def int8(per_tensor_fc):
        conv = tf.lite.TFLiteConverter.from_keras_model(model)
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = lambda: ([calib[i:i + 1]] for i in range(len(calib)))
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        conv.inference_input_type = tf.int8
        conv.inference_output_type = tf.int8
        if per_tensor_fc:
            conv._experimental_disable_per_channel_quantization_for_dense_layers = True
        return conv.convert()

    default = int8(False)
    with open(os.path.join(out, f"{name}_int8.tflite"), "wb") as f:
        f.write(default)
    files["int8"] = f"{name}_int8.tflite"
    if any(isinstance(layer, keras.layers.Dense) for layer in model.layers):
        with open(os.path.join(out, f"{name}_int8_fc_per_tensor.tflite"), "wb") as f:
            f.write(int8(True))
        files["int8_fc_per_tensor"] = f"{name}_int8_fc_per_tensor.tflite"
    else:  # e.g. MobileNetV3's classifier is a 1x1 Conv2D: the flag would change nothing
        log["int8_fc_per_tensor"] = "not made: the model has no Dense layer (no FULLY_CONNECTED)"
    log["conversion_seconds"] = round(time.time() - t0, 1)

    # Reference outputs, TF 2.21.
    r = tf.lite.experimental.OpResolverType
    for variant, path in files.items():
        full = os.path.join(out, path)
        for kernels, resolver in (("xnnpack", r.AUTO), ("builtin", r.BUILTIN_WITHOUT_DEFAULT_DELEGATES)):
            it = tf.lite.Interpreter(model_path=full, num_threads=1, experimental_op_resolver_type=resolver)
            it.allocate_tensors()
            d, o = it.get_input_details()[0], it.get_output_details()[0]
            xin = x
            if d["dtype"] == np.int8:
                xin = tc.quantize_exact(x, *d["quantization"])
                np.save(os.path.join(out, f"inputs_{variant}.npy"), xin)
            ys = []
            for i in range(len(xin)):
                it.set_tensor(d["index"], xin[i:i + 1])
                it.invoke()
                ys.append(it.get_tensor(o["index"])[0].copy())
            ys = np.stack(ys)
            np.save(os.path.join(out, f"ref_{variant}_{kernels}.npy"), ys)
            if kernels == "builtin":
                log[f"check_{variant}"] = check_not_vanishing(f"{name} {variant} TFLite", ys,
                                                              integer=ys.dtype == np.int8)
        if variant == "float":
            log["float_tflite_vs_keras_max_abs"] = float(np.abs(np.load(
                os.path.join(out, "ref_float_builtin.npy")) - keras_out).max())
            continue
        # BUILTIN_REF in a child: its softmax aborts the process on tiny input scales.
        log[f"{variant}_builtin_ref"] = ref_in_child(full, os.path.join(out, f"inputs_{variant}.npy"),
                                                    os.path.join(out, f"ref_{variant}_builtin_ref.npy"))
        # How far int8 is from float, and the kernels from each other. Random-init BN networks are chaotic (a 1-LSB
        # difference early on grows), so int8 tracks float only loosely and the kernel sets differ by many LSB:
        # compare an engine's int8 bytes with the same kernels' reference, and int8 with float only statistically.
        q = {k: np.load(os.path.join(out, f"ref_{variant}_{k}.npy")).astype(np.int32)
             for k in ("xnnpack", "builtin", "builtin_ref")
             if os.path.isfile(os.path.join(out, f"ref_{variant}_{k}.npy"))}
        fl = np.load(os.path.join(out, "ref_float_builtin.npy"))
        b = q["builtin"]
        log[f"{variant}_vs_float"] = dict(
            top1_agree=int((b.argmax(1) == fl.argmax(1)).sum()), images=len(b),
            mean_correlation=round(float(np.mean([np.corrcoef(b[i], fl[i])[0, 1] for i in range(len(b))])), 3))
        log[f"{variant}_kernels_max_lsb"] = {f"{k}_vs_builtin": int(np.abs(v - b).max()) for k, v in q.items()
                                            if k != "builtin"}
    return files, log, KERAS_PREPROCESS


def keras_ops_mix(keras, inp):
    """PAD (1 px on every side before a VALID stride-2 conv: not SAME's split, so the converter keeps the PAD),
    MAX_POOL_2D, HARD_SWISH, CONCATENATION, a squeeze-excite block gated by a sigmoid (MEAN keep_dims, LOGISTIC,
    broadcasting MUL), ReLU6, MEAN and a 100-way softmax classifier."""
    L = keras.layers
    x = L.ReLU()(L.BatchNormalization()(L.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(inp)))
    a = L.MaxPooling2D(3, strides=2, padding="same")(x)
    b = L.Conv2D(16, 3, strides=2, padding="valid", use_bias=False)(L.ZeroPadding2D(1)(x))
    b = L.Activation("hard_swish")(L.BatchNormalization()(b))
    x = L.Concatenate()([a, b])
    s = L.GlobalAveragePooling2D(keepdims=True)(x)
    s = L.Conv2D(32, 1, activation="sigmoid")(L.Conv2D(8, 1, activation="relu")(s))
    x = L.Multiply()([x, s])
    x = L.ReLU(6.0)(L.BatchNormalization()(L.DepthwiseConv2D(3, padding="same", use_bias=False)(x)))
    x = L.Dense(100, activation="softmax")(L.GlobalAveragePooling2D()(x))
    return keras.Model(inp, x)


def keras_fc_stack(keras, inp):
    """AVERAGE_POOL_2D 12x12 to [8,8,3], RESHAPE, then FULLY_CONNECTED 192->64 (ReLU) and 64->10 (logits)."""
    L = keras.layers
    x = L.Flatten()(L.AveragePooling2D(12)(inp))
    return keras.Model(inp, L.Dense(10)(L.Dense(64, activation="relu")(x)))


def ref_in_child(model, inputs, output):
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--ref-worker",
                           json.dumps(dict(model=model, inputs=inputs, output=output))],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode == 0:
        return "ok"
    if proc.returncode < 0:
        import signal

        return f"aborted ({signal.Signals(-proc.returncode).name}): no ref output"
    return "failed: " + ((proc.stderr.strip().splitlines() or ["?"])[-1])


def ref_worker(spec):
    import warnings

    warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
    warnings.filterwarnings("ignore", message="The structure of `inputs` doesn't match")  # Keras 3, named Input
    import numpy as np
    import tensorflow as tf

    it = tf.lite.Interpreter(model_path=spec["model"], num_threads=1,
                             experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    d, o = it.get_input_details()[0], it.get_output_details()[0]
    x = np.load(spec["inputs"])
    ys = []
    for i in range(len(x)):
        it.set_tensor(d["index"], x[i:i + 1])
        it.invoke()
        ys.append(it.get_tensor(o["index"])[0].copy())
    np.save(spec["output"], np.stack(ys))


# --------------------------------------------------------------------------------------------------------------------
# torchvision -> ONNX
# --------------------------------------------------------------------------------------------------------------------

def make_torch(name, spec, data, out, tc):
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch

    tv = tc.import_torchvision()
    torch.backends.nnpack.set_flags(False)  # this CPU has no NNPACK: torch warns on every conv otherwise
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    model = TorchOpsMix(torch) if spec["arch"] == "OpsMix" else getattr(tv.models, spec["arch"])(weights=None)
    log = {}
    t0 = time.time()
    # BatchNorm recalibration: everything in eval mode (mobilenet_v2's Dropout stays off) but the BN layers, whose
    # running statistics are reset and then averaged over all batches (momentum=None: a cumulative average).
    model.eval()
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
        m.train()
    x_bn = torch.from_numpy(torch_input(vww_u8(data, BN_IMAGES, spec["size"])))
    with torch.no_grad():
        for start in range(0, len(x_bn), 50):
            model(x_bn[start:start + 50])
    model.eval()
    log["bn_layers"] = len(bns)
    log["bn_recalibration_seconds"] = round(time.time() - t0, 1)

    u8 = vww_u8(data, TEST_IMAGES, spec["size"])
    x = torch_input(u8)
    with torch.no_grad():
        torch_out = np.concatenate([model(torch.from_numpy(x[i:i + 1])).numpy() for i in range(len(x))])
    log["check_torch"] = check_not_vanishing(f"{name} (torch)", torch_out)
    np.save(os.path.join(out, "inputs_u8.npy"), np.ascontiguousarray(u8.transpose(0, 3, 1, 2)))  # NCHW as the input
    np.save(os.path.join(out, "inputs_f32.npy"), x)
    np.save(os.path.join(out, "ref_torch.npy"), torch_out)

    t0 = time.time()
    path = os.path.join(out, f"{name}.onnx")
    tmp = os.path.join(out, f".{name}.export.onnx")
    torch.onnx.export(model, (torch.from_numpy(x[:1]),), tmp, dynamo=False, opset_version=17,
                      input_names=["input"], output_names=["logits"], do_constant_folding=True)
    m = onnx.load(tmp)
    os.remove(tmp)
    files = {"onnx": f"{name}.onnx"}
    if spec["external_data"]:  # every initializer of >= 1 KiB in one side file, as large exports ship
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=f"{name}.onnx.data", size_threshold=1024)
        files["onnx_data"] = f"{name}.onnx.data"
    else:
        onnx.save_model(m, path)
    onnx.checker.check_model(path)
    log["export_seconds"] = round(time.time() - t0, 1)

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    ort_out = np.concatenate([sess.run(None, {"input": x[i:i + 1]})[0] for i in range(len(x))])
    np.save(os.path.join(out, "ref_onnxruntime.npy"), ort_out)
    log["check_onnxruntime"] = check_not_vanishing(f"{name} (ONNX Runtime)", ort_out)
    log["onnxruntime_vs_torch_max_abs"] = float(np.abs(ort_out - torch_out).max())
    return files, log, TORCH_PREPROCESS


def TorchOpsMix(torch):
    """Exports Pad (1 px), MaxPool, Concat, a BatchNormalization after the Concat (no Conv to fold it into), Relu,
    AveragePool without the padding in its count, HardSwish, ReduceMean (keepdims 1 and 0), a sigmoid-gated Mul,
    MatMul (a Linear without bias) and Softmax."""
    nn = torch.nn

    class OpsMix(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
            self.pool = nn.MaxPool2d(3, 2, 1)
            self.branch = nn.Sequential(nn.ZeroPad2d(1), nn.Conv2d(16, 16, 3, 2, 0), nn.Hardswish())
            self.bn = nn.BatchNorm2d(32)
            self.avg = nn.AvgPool2d(3, 1, 1, count_include_pad=False)
            self.se = nn.Sequential(nn.Conv2d(32, 8, 1), nn.ReLU(), nn.Conv2d(8, 32, 1), nn.Sigmoid())
            self.fc = nn.Linear(32, 100, bias=False)

        def forward(self, x):
            x = self.stem(x)
            x = torch.relu(self.bn(torch.cat([self.pool(x), self.branch(x)], 1)))
            x = self.avg(x)
            x = x * self.se(x.mean((2, 3), keepdim=True))
            return torch.softmax(self.fc(x.mean((2, 3))), dim=1)

    return OpsMix()


def onnx_ops(path):
    import onnx

    m = onnx.load(path, load_external_data=False)
    hist = {}
    for n in m.graph.node:
        hist[n.op_type] = hist.get(n.op_type, 0) + 1
    return hist


# --------------------------------------------------------------------------------------------------------------------

def main(argv):
    a = parse_args(argv)
    sys.path.insert(0, HERE)
    import warnings

    warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
    warnings.filterwarnings("ignore", message="The structure of `inputs` doesn't match")  # Keras 3, named Input
    import tools_common as tc

    if a.ref_worker:
        ref_worker(json.loads(a.ref_worker))
        return 0
    if a.list:
        for n, s in SPECS.items():
            print(f"{n:<30} {s['framework']:<6} {s['arch']:<18} {s['size']} px"
                  + ("  (only with --only)" if s.get("on_request") else ""))
        return 0
    assets = a.assets or tc.assets_dir()
    vww_dir = os.path.join(assets, "data", "vww01")
    try:
        data = tc.read_tiny_dir(vww_dir)
    except tc.ToolError as e:
        tc.fail(PROG, str(e))
    if data.task != "VWW":
        tc.fail(PROG, f"{vww_dir} is {data.task} data, expected VWW (96x96 RGB)")
    root = a.out or os.path.join(tc.repo_root(), "target", "generated-models")
    os.makedirs(root, exist_ok=True)
    req = os.path.join(tc.repo_root(), "bin", "tools-requirements.txt")
    base = dict(tool=tc.sha256_files([os.path.abspath(__file__), os.path.join(HERE, "tools_common.py")]),
                requirements=tc.sha256_file(req) if os.path.isfile(req) else "-", vww=data.sha256(), seed=SEED,
                bn=[BN_IMAGES.start, BN_IMAGES.stop], calib=[CALIB_IMAGES.start, CALIB_IMAGES.stop],
                test=[TEST_IMAGES.start, TEST_IMAGES.stop])
    import hashlib

    results, failed = [], []
    for name in a.only:
        spec = SPECS[name]
        key = hashlib.sha256(json.dumps(dict(base, name=name, spec=spec), sort_keys=True).encode()).hexdigest()[:16]
        out = os.path.join(root, f"{name}-{key}")
        manifest_file = os.path.join(out, "manifest.json")
        if os.path.isfile(manifest_file) and not a.force:
            with open(manifest_file) as f:
                results.append((json.load(f), out, True))
            continue
        print(f"{PROG}: generating {name} ...", file=sys.stderr, flush=True)
        tmp = tempfile.mkdtemp(prefix=f".{name}-", dir=root)
        try:
            manifest = generate(name, spec, data, tmp, key, vww_dir, tc)
        except Exception as e:  # noqa: BLE001 - one model's failure is reported, the others still run
            shutil.rmtree(tmp, ignore_errors=True)
            print(f"{PROG}: {name}: {type(e).__name__}: {e}", file=sys.stderr)
            failed.append(name)
            continue
        if os.path.isdir(out):
            shutil.rmtree(out)
        os.replace(tmp, out)  # the directory appears complete, with its manifest
        tc.prune_stale(root, name, out)
        results.append((manifest, out, False))

    for manifest, out, cached in results:
        how = "cached" if cached else f"made in {manifest['seconds']} s"
        print(f"{manifest['name']} ({how}): {out}")
        for variant, entry in manifest["models"].items():
            ops = ", ".join(f"{k} x{v}" if v > 1 else k for k, v in entry.get("ops", {}).items())
            print(f"  {entry['file']:<44} {entry['bytes']:>10,} B  {ops}")
    if failed:
        tc.fail(PROG, f"could not generate {', '.join(failed)} (see above)")
    return 0


def generate(name, spec, data, tmp, key, vww_dir, tc):
    """Makes one model's files in tmp and returns its manifest (also written to tmp/manifest.json)."""
    import numpy as np

    t0 = time.time()
    make = make_keras if spec["framework"] == "keras" else make_torch
    files, log, preprocess = make(name, spec, data, tmp, tc)
    manifest = dict(name=name, spec=spec, key=key, seed=SEED, preprocess=preprocess,
                    images=dict(source=os.path.abspath(vww_dir), data_sha256=data.sha256(),
                                bn_recalibration=f"vww01 samples {BN_IMAGES.start}..{BN_IMAGES.stop - 1}",
                                int8_calibration=f"vww01 samples {CALIB_IMAGES.start}..{CALIB_IMAGES.stop - 1}",
                                test=f"vww01 samples {TEST_IMAGES.start}..{TEST_IMAGES.stop - 1}",
                                resize="bilinear, half-pixel centres, no antialias, rounded to uint8"
                                if spec["size"] != 96 else "none"),
                    models={}, arrays={}, log=log, seconds=round(time.time() - t0, 1), versions=versions())
    for variant, fname in files.items():
        path = os.path.join(tmp, fname)
        entry = dict(file=fname, bytes=os.path.getsize(path), sha256=tc.sha256_file(path))
        if fname.endswith(".tflite"):
            entry["ops"] = tc.op_histogram(tc.tflite_ops(path))
            entry["macs"] = tc.tflite_macs(path)
        elif fname.endswith(".onnx"):
            entry["ops"] = onnx_ops(path)
        manifest["models"][variant] = entry
    for fname in sorted(os.listdir(tmp)):
        if fname.endswith(".npy"):
            arr = np.load(os.path.join(tmp, fname))
            manifest["arrays"][fname] = dict(dtype=str(arr.dtype), shape=list(arr.shape))
    with open(os.path.join(tmp, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return manifest


def versions():
    import importlib.metadata as md

    return {p: md.version(p) for p in ("tensorflow-cpu", "keras", "torch", "torchvision", "onnx", "onnxruntime",
                                       "numpy")}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
