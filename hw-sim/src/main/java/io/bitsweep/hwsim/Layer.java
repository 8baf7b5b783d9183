package io.bitsweep.hwsim;

import java.util.Arrays;

/**
 * One layer of a {@link Workload}: its shape and its number formats. Immutable; the per-channel array is copied in
 * and never handed out, so a Layer can be shared across threads and candidates.
 *
 * <p>Shapes are NHWC with batch 1. A layer with weights has one weight precision per output channel:
 * {@code weightBits[c]} bits, 0 meaning the channel is pruned. {@code actBits} is the precision of the activations
 * the layer <em>reads</em> (its MAC operand), {@code outBits} that of the activations it writes. With
 * {@code weightBlock > 0} (resp. {@code actBlock > 0}) the weights (activations) are block floating point: the bit
 * widths are mantissa widths including sign, and every block of that many elements along the reduction dimension
 * shares one {@code exponentBits}-bit exponent.
 *
 * <p>Every layer but a pool requantizes, as its {@link Requantization} says (default {@link Requantization#TFLITE});
 * the points and element counts follow from it, the shape and the pruning ({@link Workload#requantPoints(int)}).
 */
public final class Layer {
    private final String name;
    private final OpKind op;
    private final int inH, inW, inC, outH, outW, outC, kh, kw;
    private final int[] weightBits;
    private final int actBits, outBits;
    private final int weightBlock, actBlock, exponentBits;
    private final Requantization requantization;
    /** ELEMENTWISE only: the elements it reads (all operands) and the operations per output element. */
    private final long inputElements;
    private final int opsPerElement;

    private Layer(String name, OpKind op, int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw,
                  int[] weightBits, int actBits, int outBits, int weightBlock, int actBlock, int exponentBits,
                  Requantization requantization) {
        this(name, op, inH, inW, inC, outH, outW, outC, kh, kw, weightBits, actBits, outBits, weightBlock, actBlock,
                exponentBits, requantization, (long) inH * inW * inC * (op == OpKind.ADD ? 2 : 1), 1);
    }

    private Layer(String name, OpKind op, int inH, int inW, int inC, int outH, int outW, int outC, int kh, int kw,
                  int[] weightBits, int actBits, int outBits, int weightBlock, int actBlock, int exponentBits,
                  Requantization requantization, long inputElements, int opsPerElement) {
        this.name = name;
        this.op = op;
        this.inH = inH;
        this.inW = inW;
        this.inC = inC;
        this.outH = outH;
        this.outW = outW;
        this.outC = outC;
        this.kh = kh;
        this.kw = kw;
        this.weightBits = weightBits;
        this.actBits = actBits;
        this.outBits = outBits;
        this.weightBlock = weightBlock;
        this.actBlock = actBlock;
        this.exponentBits = exponentBits;
        this.requantization = requantization;
        this.inputElements = inputElements;
        this.opsPerElement = opsPerElement;
        validate();
    }

    /** A 2-D convolution [inH,inW,inC] -> [outH,outW,outC] with a kh x kw kernel; int8 everywhere until changed. */
    public static Layer conv(String name, int inH, int inW, int inC, int kh, int kw, int outH, int outW, int outC) {
        return new Layer(name, OpKind.CONV, inH, inW, inC, outH, outW, outC, kh, kw, filled(outC, 8), 8, 8, 0, 0, 8,
                Requantization.TFLITE);
    }

    /** A depthwise convolution (channel multiplier 1, so outC == inC). */
    public static Layer depthwise(String name, int inH, int inW, int channels, int kh, int kw, int outH, int outW) {
        return new Layer(name, OpKind.DEPTHWISE, inH, inW, channels, outH, outW, channels, kh, kw,
                filled(channels, 8), 8, 8, 0, 0, 8, Requantization.TFLITE);
    }

    /** A fully connected layer with {@code in} inputs and {@code out} outputs. */
    public static Layer fc(String name, int in, int out) {
        return new Layer(name, OpKind.FC, 1, 1, in, 1, 1, out, 1, 1, filled(out, 8), 8, 8, 0, 0, 8,
                Requantization.TFLITE);
    }

    /** An element-wise addition of two [h,w,c] tensors. */
    public static Layer add(String name, int h, int w, int c) {
        return new Layer(name, OpKind.ADD, h, w, c, h, w, c, 1, 1, new int[0], 8, 8, 0, 0, 8,
                Requantization.TFLITE);
    }

    /** A pooling layer [inH,inW,c] -> [outH,outW,c] with a kh x kw window. */
    public static Layer pool(String name, int inH, int inW, int c, int kh, int kw, int outH, int outW) {
        return new Layer(name, OpKind.POOL, inH, inW, c, outH, outW, c, kh, kw, new int[0], 8, 8, 0, 0, 8,
                Requantization.TFLITE);
    }

    /**
     * Any other element-wise op writing [h,w,c]: it reads {@code inputElements} activations in all (e.g. both
     * operands of a multiply, every input of a concat) and does {@code opsPerElement} operations per output element
     * (1 for a copy, a multiply or a table lookup; more for an activation function computed arithmetically).
     */
    public static Layer elementwise(String name, int h, int w, int c, long inputElements, int opsPerElement) {
        if (inputElements <= 0 || opsPerElement <= 0) {
            throw new HwSimException("layer " + name + ": element-wise layer reads " + inputElements
                    + " elements with " + opsPerElement + " ops each: both must be > 0");
        }
        return new Layer(name, OpKind.ELEMENTWISE, h, w, c, h, w, c, 1, 1, new int[0], 8, 8, 0, 0, 8,
                Requantization.TFLITE, inputElements, opsPerElement);
    }

    /** This layer with one weight precision per output channel (0 = pruned). */
    public Layer withWeightBits(int[] bitsPerChannel) {
        if (!op.hasWeights()) {
            throw new HwSimException("layer " + name + ": op " + op.label() + " has no weights");
        }
        return new Layer(name, op, inH, inW, inC, outH, outW, outC, kh, kw, bitsPerChannel.clone(), actBits, outBits,
                weightBlock, actBlock, exponentBits, requantization, inputElements, opsPerElement);
    }

    /** This layer with every output channel at {@code bits} (0 = all pruned). */
    public Layer withUniformWeightBits(int bits) {
        return op.hasWeights() ? withWeightBits(filled(outC, bits)) : this;
    }

    /** This layer reading activations of {@code inBits} and writing activations of {@code outBits}. */
    public Layer withActivationBits(int inBits, int outBits) {
        return new Layer(name, op, inH, inW, inC, outH, outW, outC, kh, kw, weightBits, inBits, outBits,
                weightBlock, actBlock, exponentBits, requantization, inputElements, opsPerElement);
    }

    /**
     * This layer with block floating point: weight and activation block sizes (0 = integer, not BFP) and the shared
     * exponent width. The bit widths already set become mantissa widths.
     */
    public Layer withBfp(int weightBlock, int actBlock, int exponentBits) {
        return new Layer(name, op, inH, inW, inC, outH, outW, outC, kh, kw, weightBits, actBits, outBits,
                weightBlock, actBlock, exponentBits, requantization, inputElements, opsPerElement);
    }

    /**
     * This layer requantizing as {@code r}. A pool has no requantization (its output keeps its input's scale and
     * zero point), and only a layer with weights can have its output fused into a residual ADD.
     */
    public Layer withRequantization(Requantization r) {
        if (op == OpKind.POOL) {
            throw new HwSimException("layer " + name + ": op pool has no requantization (its output keeps its"
                    + " input's scale and zero point)");
        }
        if (r.fusedWithNextAdd() && !op.hasWeights()) {
            throw new HwSimException("layer " + name + ": op " + op.label() + " cannot be fused into a residual ADD"
                    + " (allowed: conv, depthwise, fc)");
        }
        return new Layer(name, op, inH, inW, inC, outH, outW, outC, kh, kw, weightBits, actBits, outBits,
                weightBlock, actBlock, exponentBits, r, inputElements, opsPerElement);
    }

    private void validate() {
        if (name == null || name.isBlank()) {
            throw new HwSimException("layer name must not be empty");
        }
        positive("inH", inH);
        positive("inW", inW);
        positive("inC", inC);
        positive("outH", outH);
        positive("outW", outW);
        positive("outC", outC);
        positive("kh", kh);
        positive("kw", kw);
        if (op == OpKind.DEPTHWISE && inC != outC) {
            throw new HwSimException("layer " + name + ": depthwise needs outC == inC, got inC = " + inC
                    + ", outC = " + outC);
        }
        if (op.hasWeights() && weightBits.length != outC) {
            throw new HwSimException("layer " + name + ": " + weightBits.length
                    + " weight precisions for " + outC + " output channels");
        }
        for (int c = 0; c < weightBits.length; c++) {
            if (weightBits[c] < 0 || weightBits[c] > 32) {
                throw new HwSimException("layer " + name + ": weight bits of channel " + c + " = " + weightBits[c]
                        + ": allowed 0 (pruned) .. 32");
            }
        }
        bits("activation bits", actBits);
        bits("output activation bits", outBits);
        if (weightBlock < 0 || actBlock < 0) {
            throw new HwSimException("layer " + name + ": BFP block size = " + Math.min(weightBlock, actBlock)
                    + ": must be >= 0 (0 = not BFP)");
        }
        if ((weightBlock > 0 || actBlock > 0) && (exponentBits < 1 || exponentBits > 16)) {
            throw new HwSimException("layer " + name + ": BFP exponent bits = " + exponentBits + ": allowed 1..16");
        }
    }

    private void positive(String field, int v) {
        if (v <= 0) {
            throw new HwSimException("layer " + name + ": " + field + " = " + v + ": must be > 0");
        }
    }

    private void bits(String field, int v) {
        if (v < 1 || v > 32) {
            throw new HwSimException("layer " + name + ": " + field + " = " + v + ": allowed 1..32");
        }
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[Math.max(n, 0)];
        Arrays.fill(a, v);
        return a;
    }

    public String name() { return name; }
    public OpKind op() { return op; }
    public int inH() { return inH; }
    public int inW() { return inW; }
    public int inC() { return inC; }
    public int outH() { return outH; }
    public int outW() { return outW; }
    public int outC() { return outC; }
    public int kh() { return kh; }
    public int kw() { return kw; }
    public int actBits() { return actBits; }
    public int outBits() { return outBits; }
    public int weightBlock() { return weightBlock; }
    public int actBlock() { return actBlock; }
    public int exponentBits() { return exponentBits; }
    public boolean isBfp() { return weightBlock > 0 || actBlock > 0; }
    public Requantization requantization() { return requantization; }

    /** Weight precision of output channel {@code c} (0 = pruned). */
    public int weightBits(int c) { return weightBits[c]; }

    /** A copy of the per-channel weight precisions. */
    public int[] weightBitsCopy() { return weightBits.clone(); }

    /** Number of output positions E = outH * outW (the SCALE-Sim "E"). */
    public long outputPositions() { return (long) outH * outW; }

    /** Reduction length per output K: kh*kw*inC for conv, kh*kw for depthwise, inC for FC; 0 without weights. */
    public long reduction() {
        return switch (op) {
            case CONV -> (long) kh * kw * inC;
            case DEPTHWISE -> (long) kh * kw;
            case FC -> inC;
            case ADD, POOL, ELEMENTWISE -> 0;
        };
    }

    /** Output channels that are not pruned (weight width > 0); 0 for layers without weights. */
    public long activeChannels() {
        long n = 0;
        for (int b : weightBits) {
            if (b > 0) {
                n++;
            }
        }
        return n;
    }

    /** Weights per output channel (= K). */
    public long weightsPerChannel() { return reduction(); }

    /** MACs of one output channel (E * K). */
    public long macsPerChannel() { return outputPositions() * reduction(); }

    /**
     * Element operations of an element-wise layer: one per output element for add, one per window input for pool,
     * {@code opsPerElement} per output element for the others.
     */
    public long elementOps() {
        return switch (op) {
            case ADD -> (long) outH * outW * outC;
            case POOL -> (long) outH * outW * outC * kh * kw;
            case ELEMENTWISE -> (long) outH * outW * outC * opsPerElement;
            default -> 0;
        };
    }

    /** Bits of the activations this layer reads (every operand: both for add), BFP exponents included. */
    public long inputActivationBits() {
        return op == OpKind.ELEMENTWISE ? bitsOf(inputElements) : op == OpKind.ADD ? 2 * operandBits() : operandBits();
    }

    /** Bits of one input tensor, BFP exponents included: for an ADD, one of its two addends. */
    public long operandBits() {
        return bitsOf((long) inH * inW * inC);
    }

    private long bitsOf(long elems) {
        return elems * actBits + (actBlock > 0 ? ceilDiv(elems, actBlock) * exponentBits : 0);
    }

    /** Bits of the activations this layer writes. */
    public long outputActivationBits() {
        return (long) outH * outW * outC * outBits;
    }

    /** Bits of the weights of the unpruned channels, BFP exponents included (blocks run along K per channel). */
    public long weightStorageBits() {
        long k = weightsPerChannel();
        long bits = 0;
        for (int b : weightBits) {
            if (b > 0) {
                bits += k * b + (weightBlock > 0 ? ceilDiv(k, weightBlock) * exponentBits : 0);
            }
        }
        return bits;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    @Override
    public String toString() {
        return name + "(" + op.label() + " " + inH + "x" + inW + "x" + inC + " -> " + outH + "x" + outW + "x" + outC
                + (op.hasWeights() && op != OpKind.FC ? ", " + kh + "x" + kw : "")
                + (requantization.fusedWithNextAdd() ? ", fused with the next add" : "") + ")";
    }
}
