"""Writes the MX conformance vectors (evaluators/src/test/resources/io/bitsweep/eval/format/mx-vectors/) from
microsoft/microxcaling's pure-PyTorch path, for MxConformanceTest.

Reference: microxcaling commit 7bc41952de394f5cc5e782baf132e7c7542eb4e4 (MIT licence), function
mx.mx_ops._quantize_mx (which calls mx.elemwise_ops._quantize_elemwise_core) with scale_bits=8,
shared_exp_method="max", flush_fp32_subnorms=False, custom_cuda=False, one axis (the last), block sizes 8/16/32
and round = "nearest" / "even" / "floor" (BitSweep's nearest / even / floor). Nothing of microxcaling is copied
here or committed: this script extracts the pinned commit from a local git mirror into a temporary directory and
imports it from there.

Exact exponents: microxcaling takes every exponent as torch.floor(torch.log2(x)) in float32, which can land one
off when log2 rounds up to an integer. The vectors use the exact-exponent variant, which BitSweep implements:
inside mx.mx_ops and mx.elemwise_ops (only there) torch.log2 is replaced by the exact floor(log2 x) from
torch.frexp. That is only valid because every log2 there is floored at once; the script checks this in the source
and refuses otherwise. It also prints how many outputs the float-log2 original would give differently.

How to run (torch and numpy are not project dependencies; keep the venv under target/):
    python3 -m venv target/mxvenv && target/mxvenv/bin/pip install --retries 0 torch
    # MICROXCALING_GIT_DIR: a git directory holding the commit above, e.g. a bare clone of
    # microsoft/microxcaling from GitHub (the committed vectors were made from such a mirror, torch 2.13.0+cpu)
    target/mxvenv/bin/python evaluators/src/test/python/make_mx_vectors.py MICROXCALING_GIT_DIR \
        evaluators/src/test/resources/io/bitsweep/eval/format/mx-vectors
The inputs come from a fixed seed, so a rerun writes the same bytes.

File format of <format>.generated.bin.gz, gzip of (all little-endian):
    "MXV1", then u8 length + ASCII: the format (e.g. mxint8), the microxcaling commit;
    i32 n (elements, a multiple of 32), i32 categories, then per category u8 length + ASCII name, i32 start,
    i32 end (the element range [start, end), whole blocks of 32);
    float32[n] input;
    i32 cases, then per case u8 length + ASCII rounding mode, i32 block size, float32[n] microxcaling's output.
The input is one 1-D tensor quantized in blocks of consecutive elements.
"""
import argparse
import gzip
import os
import random
import re
import struct
import subprocess
import sys
import tempfile
import types

COMMIT = "7bc41952de394f5cc5e782baf132e7c7542eb4e4"
BLOCK_SIZES = (8, 16, 32)
MODES = ("nearest", "even", "floor")
UNIT = 8  # the smallest block size: every category is built from units of 8 with the same block maximum
BLOCK = 32

# BitSweep spec -> (microxcaling ElemFormat name, exponent bits (0: int), mantissa bits without sign/implicit one,
# emax, max normal). Written from OCP MX v1.0; the script checks them against microxcaling's _get_format_params.
FORMATS = {
    "mxint8": ("int8", 0, 6, 0, 127 / 64),
    "mxfp8_e4m3": ("fp8_e4m3", 4, 3, 8, 448.0),
    "mxfp8_e5m2": ("fp8_e5m2", 5, 2, 15, 57344.0),
    "mxfp6_e3m2": ("fp6_e3m2", 3, 2, 4, 28.0),
    "mxfp6_e2m3": ("fp6_e2m3", 2, 3, 2, 7.5),
    "mxfp4_e2m1": ("fp4_e2m1", 2, 1, 2, 6.0),
}


def f32(x):
    """The float32 nearest to x (ties to even), as a Python float; 0 and subnormals included."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def from_bits(b):
    return struct.unpack("<f", struct.pack("<I", b & 0xFFFFFFFF))[0]


def next_up(x):
    """The next float32 above a finite positive float32 x."""
    return from_bits(bits(x) + 1)


def next_down(x):
    """The next float32 below a positive float32 x."""
    return from_bits(bits(x) - 1)


def grid(ebits, mbits, max_normal):
    """The non-negative element magnitudes in ascending order."""
    if ebits == 0:
        return [k * 2.0 ** -mbits for k in range(int(max_normal * 2 ** mbits) + 1)]
    emin = 2 - 2 ** (ebits - 1)
    out = [m * 2.0 ** (emin - mbits) for m in range(2 ** mbits)]  # zero and the subnormals
    e = emin
    while True:
        for m in range(2 ** mbits):
            v = (1 + m / 2 ** mbits) * 2.0 ** e
            if v > max_normal:
                return out
            out.append(v)
        e += 1


class Builder:
    """Collects the input blocks of one format, category by category."""

    def __init__(self, ebits, mbits, emax, max_normal, rng):
        self.ebits, self.mbits, self.emax, self.max_normal = ebits, mbits, emax, max_normal
        self.rng = rng
        self.grid = grid(ebits, mbits, max_normal)
        self.mids = [(a + b) / 2 for a, b in zip(self.grid, self.grid[1:])]
        self.values = []
        self.categories = []

    def sign(self, v):
        return -v if self.rng.random() < 0.5 else v

    def category(self, name, blocks):
        """blocks: lists of 32 floats (each exactly a float32)."""
        start = len(self.values)
        for b in blocks:
            assert len(b) == BLOCK and all(f32(v) == v for v in b)
            self.values.extend(b)
        self.categories.append((name, start, len(self.values)))

    def anchor(self, e):
        """A random float32 of binade e (2^e <= a < 2^(e+1)), float32 subnormals included, sometimes 2^e itself or
        the top of the binade."""
        lo = bits(2.0 ** e)
        hi = lo + 0x7FFFFF if e >= -126 else 2 * lo - 1
        return from_bits(self.rng.choice([lo, hi, self.rng.randint(lo, hi)]))

    def blocks_at(self, x, element_values, negative_max=False, top_binade=None):
        """Blocks of 32 for shared exponent x: each unit of 8 holds a block maximum of binade x + emax (or
        top_binade, for x clamped to -127) and 7 of element_values (in element units) times 2^x, rounded to
        float32, in random order and with random signs unless given. Every unit of a block has its maximum in the
        same binade, so x is the shared exponent at every block size."""
        vals = list(element_values)
        blocks = []
        while vals:
            block = []
            for _ in range(BLOCK // UNIT):
                top = self.anchor(x + self.emax if top_binade is None else top_binade)
                unit = [-top if negative_max else self.sign(top)]
                while len(unit) < UNIT:
                    v = vals.pop(0) if vals else self.sign(self.rng.choice(self.grid) * self.rng.random())
                    unit.append(f32(v * 2.0 ** x))
                self.rng.shuffle(unit)
                block.extend(unit)
            blocks.append(block)
        return blocks

    def tie_values(self, x):
        """Element values at every midpoint between neighbouring grid points (random sign); for the lowest four and
        the highest, also the float32 neighbours on both sides, with both signs (the largest float32 below half the
        smallest step is where float32 rounding of "floor(a + 0.5)" shows); and two values beyond the max normal."""
        scale = 2.0 ** x
        out = []
        for i, m in enumerate(self.mids):
            out.append(self.sign(m))
            t = f32(m * scale)
            if (i < 4 or i == len(self.mids) - 1) and t > 0:
                for n in (next_down(t), next_up(t)):
                    out += [n / scale, -n / scale]
        top = self.grid[-1]
        out += [self.sign(top + (top - self.grid[-2]) / 2), self.sign(2.0 ** (self.emax + 1) * (1 - 2.0 ** -24))]
        return out

    def random_elements(self, count, below=None):
        """count random element values (random sign) below `below`, or below a random grid point."""
        return [self.sign((below or self.rng.choice(self.grid)) * self.rng.random()) for _ in range(count)]

    def build(self):
        rng = self.rng

        # normal: Gaussian blocks at scales 2^-20..2^20
        self.category("normal", [[f32(rng.gauss(0, 1) * 2.0 ** s) for _ in range(BLOCK)]
                                 for s in (rng.randint(-20, 20) for _ in range(16))])

        # wide range: magnitudes log-uniform over 80 binades within a block, and over all of float32 in four
        blocks = []
        for k in range(16):
            lo = -149 if k < 4 else rng.randint(-140, 40)
            hi = 127 if k < 4 else lo + 80
            blocks.append([self.sign(f32(2.0 ** rng.uniform(lo, hi))) for _ in range(BLOCK)])
        self.category("wide-range", blocks)

        # ties: every midpoint of the grid, at shared exponents in the middle, high and low (where the tie points
        # are still normal float32 values)
        blocks = []
        for x in (0, rng.randint(-30, 30), 100 - self.emax, -100):
            blocks += self.blocks_at(x, self.tie_values(x))
        self.category("ties", blocks)

        # subnormal-range elements: below the smallest normal element (int elements: below 4 steps), and below half
        # the smallest step
        low = 2.0 ** (2 - 2 ** (self.ebits - 1)) if self.ebits else 4 * self.grid[1]
        blocks = []
        for x in (rng.randint(-60, 60), rng.randint(-60, 60)):
            blocks += self.blocks_at(x, self.random_elements(56, low) + self.random_elements(28, self.grid[1] / 2))
        self.category("subnormal-range", blocks)

        # E8M0 low end: block maxima from the smallest float32 subnormal up to where the shared exponent leaves -127;
        # elements at the lowest tie points, the smallest element step and tiny float32 subnormals
        blocks = []
        for e in list(range(-149, -126, 3)) + list(range(-127 + self.emax - 2, -127 + self.emax + 5)):
            x = max(e - self.emax, -127)
            vals = self.mids[:5] + [self.grid[1], from_bits(rng.randint(1, 64)) / 2.0 ** x]
            blocks += self.blocks_at(x, [self.sign(v) for v in vals] + self.random_elements(21), top_binade=e)
        self.category("e8m0-low", blocks)

        # E8M0 high end: block maxima up to FLT_MAX, shared exponents up to 127 - emax
        blocks = []
        for e in range(121, 128):
            blocks += self.blocks_at(e - self.emax, [self.sign(m) for m in rng.choices(self.mids, k=14)]
                                     + self.random_elements(14))
        flt_max = from_bits(0x7F7FFFFF)
        blocks.append([self.sign(flt_max if i % UNIT == 0 else f32(flt_max * rng.random())) for i in range(BLOCK)])
        self.category("e8m0-high", blocks)

        # zeros: +0, -0, both, zeros next to a block maximum, zeros next to values below half the smallest step
        x = rng.randint(-20, 20)
        blocks = [[0.0] * BLOCK, [-0.0] * BLOCK, [-0.0 if i % 3 else 0.0 for i in range(BLOCK)]]
        blocks.append([self.sign(self.anchor(x + self.emax)) if i % UNIT == 0 else rng.choice([0.0, -0.0])
                       for i in range(BLOCK)])
        blocks.append([f32(v * 2.0 ** x) if i % 4 == 0 else rng.choice([0.0, -0.0])
                       for i, v in enumerate(self.random_elements(BLOCK, self.grid[1] / 2))])
        self.category("zeros", blocks)

        # mixed signs: negative block maxima, elements of alternating sign at tie points and in between
        blocks = []
        for _ in range(4):
            vals = [(-1) ** i * rng.choice(self.mids) for i in range(14)]
            vals += [(-1) ** i * rng.choice(self.grid) * rng.random() for i in range(14)]
            blocks += self.blocks_at(rng.randint(-40, 40), vals, negative_max=True)
        self.category("mixed-sign", blocks)
        return self.values, self.categories


def load_microxcaling(git_dir, tmp):
    """Imports mx.mx_ops and mx.formats from the pinned commit, with the exact-exponent log2 in the two modules."""
    archive = subprocess.run(["git", "--git-dir", git_dir, "archive", COMMIT, "mx"], capture_output=True)
    if archive.returncode != 0:
        sys.exit(f"cannot read microxcaling commit {COMMIT} from {git_dir}: "
                 + archive.stderr.decode(errors="replace").strip().splitlines()[-1])
    subprocess.run(["tar", "x", "-C", tmp], input=archive.stdout, check=True)
    # mx/__init__.py imports every layer (and their extra dependencies); only the quantizers are needed
    package = types.ModuleType("mx")
    package.__path__ = [os.path.join(tmp, "mx")]
    sys.modules["mx"] = package
    import torch
    import mx.elemwise_ops
    import mx.formats
    import mx.mx_ops

    for module in (mx.mx_ops, mx.elemwise_ops):
        source = re.sub(r"\s+", "", open(module.__file__).read())
        if source.count("torch.log2(") != source.count("torch.floor(torch.log2("):
            sys.exit(f"{module.__name__} uses log2 other than floored; the exact-exponent patch would be wrong")

    def exact_floor_log2(a):
        # frexp: a = m * 2^e with m in [0.5, 1), exact for subnormals too; the caller floors the result
        if not bool(torch.all(torch.isfinite(a) & (a > 0))):
            raise ValueError("exact log2 patch called on a non-positive or non-finite value")
        return (torch.frexp(a).exponent - 1).to(a.dtype)

    exact = types.SimpleNamespace(**{k: getattr(torch, k) for k in dir(torch) if not k.startswith("__")})
    exact.log2 = exact_floor_log2
    return torch, mx, exact


def main():
    parser = argparse.ArgumentParser(description="write the MX conformance vectors from microxcaling")
    parser.add_argument("microxcaling_git_dir", help=f"a git directory that holds microxcaling commit {COMMIT}")
    parser.add_argument("out_dir")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        torch, mx, exact = load_microxcaling(args.microxcaling_git_dir, tmp)
        for spec, (elem, ebits, mbits, emax, max_normal) in FORMATS.items():
            fmt = mx.formats.ElemFormat.from_str(elem)
            ref_ebits, ref_mbits, ref_emax, ref_max, _ = mx.formats._get_format_params(fmt)
            # microxcaling's mantissa bits count the sign and the implicit one (for int8: sign and integer bit)
            if (ref_ebits, ref_mbits - 2, ref_emax, ref_max) != (ebits, mbits, emax, max_normal):
                sys.exit(f"{spec}: microxcaling's parameters {(ref_ebits, ref_mbits, ref_emax, ref_max)} differ")
            values, categories = Builder(ebits, mbits, emax, max_normal, random.Random(spec)).build()
            x = torch.tensor([bits(v) for v in values], dtype=torch.int64).to(torch.int32).view(torch.float32)
            assert [bits(v) for v in x.tolist()] == [bits(v) for v in values]
            cases = []
            for mode in MODES:
                for bs in BLOCK_SIZES:
                    def run(torch_seen_by_mx):
                        mx.mx_ops.torch = mx.elemwise_ops.torch = torch_seen_by_mx
                        return mx.mx_ops._quantize_mx(x.clone(), 8, fmt, shared_exp_method="max", axes=[-1],
                                                      block_size=bs, round=mode, flush_fp32_subnorms=False,
                                                      custom_cuda=False)
                    y = run(exact)
                    # for information only: how far the float-log2 original is from the exact variant
                    inexact = run(torch)
                    differ = int((y.view(torch.int32) != inexact.view(torch.int32)).sum())
                    if differ:
                        print(f"  {spec} {mode} b{bs}: the float-log2 original differs on {differ} elements")
                    cases.append((mode, bs, y))
            path = os.path.join(args.out_dir, spec + ".generated.bin.gz")
            # mtime 0 and no file name in the header: a rerun writes the same bytes
            with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw,
                                                        mtime=0) as f:
                f.write(b"MXV1" + text(spec) + text(COMMIT))
                f.write(struct.pack("<ii", len(values), len(categories)))
                for name, start, end in categories:
                    f.write(text(name) + struct.pack("<ii", start, end))
                f.write(struct.pack(f"<{len(values)}f", *values))
                f.write(struct.pack("<i", len(cases)))
                for mode, bs, y in cases:
                    f.write(text(mode) + struct.pack("<i", bs) + struct.pack(f"<{len(values)}f", *y.tolist()))
            print(f"{path}: {len(values)} elements x {len(cases)} cases; "
                  + ", ".join(f"{n} {e - s}" for n, s, e in categories))


def text(s):
    b = s.encode("ascii")
    return struct.pack("<B", len(b)) + b


if __name__ == "__main__":
    main()
