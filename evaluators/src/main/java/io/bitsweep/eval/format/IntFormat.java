package io.bitsweep.eval.format;

import io.bitsweep.eval.BitSweepException;

/**
 * {@code int<b>[:asym][:pot]}, b in 2..16: b-bit integers with one scale per tensor or per channel.
 * <ul>
 *   <li>Symmetric (default): codes in [-(2^(b-1)-1), 2^(b-1)-1], scale = max|x| / qmax (TFLite's weight scheme).</li>
 *   <li>{@code :asym}: codes in [-2^(b-1), 2^(b-1)-1] with a zero point; the range [min(x,0), max(x,0)] is mapped
 *       onto the codes and the zero point is rounded (half away from zero) so that 0 is exact, as TFLite does for
 *       activations.</li>
 *   <li>{@code :pot}: the scale is the smallest power of two 2^p (p in [-126, 127]) whose grid covers the range,
 *       so rescaling is a shift.</li>
 * </ul>
 * Element quantization divides in double, rounds with the mode, and clamps to the code range; dequantization is
 * (code - zp) * scale in double, rounded once to float32. An all-zero group gets scale 1.
 * <p>Re-quantizing a dequantized tensor reproduces it bit for bit with power-of-two scales (any rounding mode) and
 * with symmetric float scales (nearest, even): such a scale is made canonical, a fixed point of
 * "scale → dequantized grid end → scale", so float rounding of the grid end cannot move it. An asymmetric float
 * scale is re-derived from a range whose ends may have moved by up to half a step when the zero point was
 * nudged, as in TFLite; its grid then moves by less than one step. Floor can drop the largest element's code,
 * which shrinks a float scale.
 */
public final class IntFormat extends NumberFormat {
    private static final int MAX_CANONICAL_STEPS = 16;

    private final int bits;
    private final boolean asymmetric;
    private final boolean powerOfTwo;
    private final int qmin;
    private final int qmax;

    IntFormat(int bits, boolean asymmetric, boolean powerOfTwo) {
        super("int" + bits + (asymmetric ? ":asym" : "") + (powerOfTwo ? ":pot" : ""));
        this.bits = bits;
        this.asymmetric = asymmetric;
        this.powerOfTwo = powerOfTwo;
        this.qmax = (1 << (bits - 1)) - 1;
        this.qmin = asymmetric ? -(1 << (bits - 1)) : -qmax;
    }

    public int bits() {
        return bits;
    }

    public boolean asymmetric() {
        return asymmetric;
    }

    public boolean powerOfTwo() {
        return powerOfTwo;
    }

    /** The same width and symmetry with a power-of-two scale ({@code :pot}); this format if it already has one. */
    public IntFormat withPowerOfTwoScale() {
        return powerOfTwo ? this : new IntFormat(bits, asymmetric, true);
    }

    /** The smallest code. */
    public int qmin() {
        return qmin;
    }

    /** The largest code. */
    public int qmax() {
        return qmax;
    }

    /**
     * The scale {@link #quantize} gives a symmetric group whose largest magnitude is {@code maxAbs}: a group clipped
     * at {@code maxAbs} is quantized on this grid. For rounding methods that choose codes themselves
     * (error-compensating rounding) but must land on the same grid as everything else.
     */
    public float symmetricScale(double maxAbs) {
        if (asymmetric) {
            throw new IllegalStateException(spec() + " is asymmetric");
        }
        return scaleOf(symmetricParams(maxAbs));
    }

    /** The code of {@code x} on a symmetric grid of step {@code scale}: rounded to nearest and clamped, as quantize does. */
    public int symmetricCode(double x, double scale) {
        return (int) Math.max(qmin, Math.min(qmax, Rounding.NEAREST.round(x / scale)));
    }

    @Override
    public int elementBits() {
        return bits;
    }

    /** A float32 scale, or an 8-bit shift for :pot; plus a b-bit zero point for :asym. */
    @Override
    public int groupOverheadBits() {
        return (powerOfTwo ? 8 : 32) + (asymmetric ? bits : 0);
    }

    @Override
    public double bitsPerElement() {
        return bits;
    }

    @Override
    public Layout layout(int[] shape, Granularity granularity) {
        if (granularity instanceof Granularity.PerChannel c) {
            return Layout.perChannel(shape, c.axis());
        }
        if (granularity instanceof Granularity.PerTensor) {
            return Layout.perTensor(shape);
        }
        throw new BitSweepException(spec() + " has one scale per tensor or per channel, not " + granularity
                + " (allowed: per tensor, per channel; blocks are for bfp and mx formats)");
    }

    @Override
    void process(float[] src, Layout layout, Rounding rounding, int from, int to, float[] dst, QuantizedTensor out) {
        int step = layout.elementStride();
        int runs = layout.runs();
        for (int g = from; g < to; g++) {
            int base = layout.base(g);
            int len = layout.runLength(g);
            float lo = 0f;
            float hi = 0f;
            for (int r = 0; r < runs; r++) {
                for (int t = 0, i = base + r * layout.runStride(); t < len; t++, i += step) {
                    lo = Math.min(lo, src[i]);
                    hi = Math.max(hi, src[i]);
                }
            }
            if (!Float.isFinite(lo) || !Float.isFinite(hi)) {
                throw new IllegalArgumentException("cannot quantize a non-finite value (NaN or infinity) in group "
                        + g + " of " + layout);
            }
            long params = asymmetric ? asymmetricParams(lo, hi) : symmetricParams(Math.max(-lo, hi));
            float scale = scaleOf(params);
            int zeroPoint = zeroPointOf(params);
            double s = scale;
            for (int r = 0; r < runs; r++) {
                for (int t = 0, i = base + r * layout.runStride(); t < len; t++, i += step) {
                    // Adding the zero point as a double also turns a -0.0 from rounding into +0.0.
                    double k = Math.max(qmin, Math.min(qmax, rounding.round(src[i] / s) + zeroPoint));
                    if (dst != null) {
                        dst[i] = (float) ((k - zeroPoint) * s);
                    }
                    if (out != null) {
                        out.codes[i] = (int) k;
                    }
                }
            }
            if (out != null) {
                out.scales[g] = scale;
                out.zeroPoints[g] = zeroPoint;
                out.exponents[g] = powerOfTwo ? Math.getExponent(scale) : 0;
            }
        }
    }

    @Override
    float dequantizeCode(QuantizedTensor q, int g, int code) {
        return (float) ((double) (code - q.zeroPoints[g]) * q.scales[g]);
    }

    private long symmetricParams(double maxAbs) {
        if (powerOfTwo) {
            return pack(powerOfTwoScale(maxAbs, qmax), 0);
        }
        float s = scaleFor(maxAbs, qmax);
        for (int i = 0; i < MAX_CANONICAL_STEPS; i++) {
            float gridEnd = (float) (qmax * (double) s);
            float next = scaleFor(gridEnd, qmax);
            if (next == s) {
                break;
            }
            s = next;
        }
        return pack(s, 0);
    }

    private long asymmetricParams(double lo, double hi) {
        int levels = qmax - qmin;
        if (powerOfTwo) {
            float s = powerOfTwoScale(hi - lo, levels);
            return pack(s, zeroPoint(lo, s));
        }
        float s = scaleFor(hi - lo, levels);
        return pack(s, zeroPoint(lo, s));
    }

    private static float scaleFor(double range, int levels) {
        if (range == 0) {
            return 1f;
        }
        float s = (float) (range / levels);
        return s == 0f ? Float.MIN_VALUE : s;
    }

    /** The smallest 2^p, p in [-126, 127], with levels * 2^p >= range. */
    private static float powerOfTwoScale(double range, int levels) {
        if (range == 0) {
            return 1f;
        }
        int p = Math.max(-126, Math.min(127, Math.getExponent(range / levels)));
        while (p < 127 && levels * ElementType.pow2(p) < range) {
            p++;
        }
        while (p > -126 && levels * ElementType.pow2(p - 1) >= range) {
            p--;
        }
        return (float) ElementType.pow2(p);
    }

    private int zeroPoint(double lo, float s) {
        double z = qmin - Rounding.NEAREST.round(lo / s);
        return (int) Math.max(qmin, Math.min(qmax, z));
    }

    private static long pack(float scale, int zeroPoint) {
        return (long) Float.floatToRawIntBits(scale) << 32 | (zeroPoint & 0xffffffffL);
    }

    private static float scaleOf(long params) {
        return Float.intBitsToFloat((int) (params >>> 32));
    }

    private static int zeroPointOf(long params) {
        return (int) params;
    }
}
