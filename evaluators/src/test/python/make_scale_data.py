#!/usr/bin/env python3
"""Generated 224x224 picture data for the scale measurements of docs/SCALE.md (issue 16, item 4).

Writes OUT/images/img_NNNNN.png (real VWW images from $BITSWEEP_ASSETS/data/vww01, resized to 224x224 as
make_imagenet_models.py resizes its test images) and OUT/labels.txt ("<file> <label>" per line), where each label is
the top-1 class of the given float TFLite model (TF 2.21, XNNPACK) on the picture's Keras input (u8 / 127.5 - 1).
The pictures are PNG, so every decoder sees the same pixels. With a random-weight model the labels are not ImageNet
classes: a candidate's "accuracy" on this data is its top-1 agreement with the float model, which is what a search
needs to behave as on real data (the float model scores 100%, quantization lowers it). Convert with:

  bin/bitsweep data convert --from image-folder --in OUT/images --labels OUT/labels.txt --classes 1000 \
    --out SHARDS --shard-size 64 --crop 224 --divisor 127.5 --mean 1,1,1 --std 1,1,1

Usage: $PY make_scale_data.py --model M.tflite --out DIR [--images N] [--first I]
"""

import os
import sys

from tool_args import OneLineParser

PROG = "make_scale_data"


def main(argv):
    p = OneLineParser(prog=PROG, description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True, help="float TFLite model with a [1,224,224,3] input")
    p.add_argument("--out", required=True, help="output directory (images/ and labels.txt are written in it)")
    p.add_argument("--images", type=int, default=320, help="how many pictures (default 320)")
    p.add_argument("--first", type=int, default=300, help="first vww01 sample used (default 300)")
    a = p.parse_args(argv)
    if a.images < 1:
        p.error("--images must be at least 1")
    import numpy as np
    import tensorflow as tf
    from PIL import Image

    import tools_common as tc
    from make_imagenet_models import keras_input, vww_u8

    try:
        data = tc.read_tiny_dir(os.path.join(tc.assets_dir(), "data", "vww01"))
    except tc.ToolError as e:
        tc.fail(PROG, str(e))
    if a.first + a.images > len(data.raw):
        tc.fail(PROG, f"vww01 has {len(data.raw)} samples; --first {a.first} --images {a.images} is past the end")
    interp = tf.lite.Interpreter(model_path=a.model, num_threads=1)
    interp.allocate_tensors()
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    os.makedirs(os.path.join(a.out, "images"), exist_ok=True)
    lines = []
    for k in range(a.images):
        u8 = vww_u8(data, [a.first + k], 224)
        interp.set_tensor(inp["index"], keras_input(u8))
        interp.invoke()
        name = f"img_{k:05d}.png"
        Image.fromarray(u8[0]).save(os.path.join(a.out, "images", name))
        lines.append(f"{name} {int(np.argmax(interp.get_tensor(out['index'])[0]))}\n")
    with open(os.path.join(a.out, "labels.txt"), "w") as f:
        f.writelines(lines)
    classes = sorted({int(line.split()[1]) for line in lines})
    print(f"{a.images} pictures in {a.out}/images, labels.txt: {len(classes)} distinct classes")


if __name__ == "__main__":
    main(sys.argv[1:])
