"""An independent NumPy model of OCP MX v1.0 quantize-dequantize, blocks along the last axis, for the conformance
test of `bitsweep quantize`. Written from the spec (section 6.3) and microxcaling's float32 arithmetic, not from
the Java code: exponents come from np.frexp, rounding is nearest with ties away from zero, taken as floor(t + 0.5)
with the sum in float32 as microxcaling computes it, and a negative value that x / 2^X underflows in float32
becomes +0.0 in FP elements, as there.

usage: mx_reference.py make X.npy          write a test input
       mx_reference.py ref X.npy OUTDIR    write OUTDIR/<format>.npy for the six MX formats at block 32
       mx_reference.py load Y.npy          print dtype and shape of a file (np.load interop)
"""
import sys
import numpy as np

# name: (exponent bits, mantissa bits, emax, max normal); exponent bits 0 = int8 element (2^-6 units)
FORMATS = {
    "mxint8": (0, 6, 0, 127 / 64),
    "mxfp8_e4m3": (4, 3, 8, 448.0),
    "mxfp8_e5m2": (5, 2, 15, 57344.0),
    "mxfp6_e3m2": (3, 2, 4, 28.0),
    "mxfp6_e2m3": (2, 3, 2, 7.5),
    "mxfp4_e2m1": (2, 1, 2, 6.0),
}


def floor_log2(a):
    """floor(log2 a) for a > 0; -127 for 0 and float32 subnormals (the float's exponent field)."""
    _, e = np.frexp(a)
    return np.where(a < np.float32(2.0 ** -126), -127, e - 1)


def round_half_up(t):
    """floor(t + 0.5) for float32 values t >= 0, the sum rounded to float32 as in microxcaling: t = 0.5 - 2^-25
    goes to 1 (the sum ties between 1 - 2^-24 and 1, and rounds to even), not to 0."""
    return np.floor(t.astype(np.float32) + np.float32(0.5)).astype(np.float64)


def mx(x, ebits, mbits, emax, max_normal, block=32):
    last = x.shape[-1]
    pad = (-last) % block
    xp = np.pad(x.astype(np.float64), [(0, 0)] * (x.ndim - 1) + [(0, pad)])
    b = xp.reshape(x.shape[:-1] + ((last + pad) // block, block))
    amax = np.abs(b).max(axis=-1, keepdims=True)
    scale_exp = np.clip(floor_log2(amax) - emax, -127, 127)
    v = b / np.exp2(scale_exp)
    a = np.abs(v)
    if ebits == 0:
        k = np.minimum(round_half_up(a * 2.0 ** mbits), 127)
        q = np.sign(v) * k / 2.0 ** mbits + 0.0  # two's complement: no negative zero
    else:
        emin = 2 - 2 ** (ebits - 1)
        _, e = np.frexp(a)
        step = np.exp2(np.maximum(e - 1, emin) - mbits)
        # microxcaling's x / 2^X is float32: where it underflows to zero, the sign is lost (torch.sign(0) = 0)
        sign = np.where((v != 0) & (v.astype(np.float32) == 0), 0.0, v)
        q = np.copysign(np.minimum(round_half_up(a / step) * step, max_normal), sign)
    y = (q * np.exp2(scale_exp)).reshape(xp.shape)[..., :last]
    return y.astype(np.float32)


def make(path):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((3, 5, 70)) * np.exp2(rng.integers(-20, 20, size=(3, 5, 1)))
    x[0, 0, :] = 0.0
    x[0, 1, :40] *= 1e-38  # float32 subnormals and the E8M0 clamp at 2^-127
    x[1, 0, 3] = 3.0e38
    x[2, 2, ::7] = 0.0
    x[2, 3, ::5] = -0.0
    # blocks with max 1 and the largest float32 below 2^-k, k = 1..32, of both signs: for every format, one of
    # them lies just below half the smallest element step, where float32 rounding goes up one step
    x[2, 4, :] = 0.0
    x[2, 4, [0, 32]] = 1.0
    below = np.nextafter(np.exp2(-np.arange(1.0, 33.0)).astype(np.float32), np.float32(0))
    x[2, 4, 1:32] = below[:31]
    x[2, 4, 33:64] = -below[1:]
    # a block with max 2^100 whose negative elements underflow in float32 once divided by 2^X (for emax < 10)
    x[2, 4, 64] = 2.0 ** 100
    x[2, 4, 65:70] = -(2.0 ** -60)
    np.save(path, x.astype(np.float32))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "ref":
        x = np.load(sys.argv[2])
        for name, params in FORMATS.items():
            with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
                np.save(f"{sys.argv[3]}/{name}.npy", mx(x, *params))
    else:
        y = np.load(sys.argv[2])
        print(y.dtype, y.shape)
