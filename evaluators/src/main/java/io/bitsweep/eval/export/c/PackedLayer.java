package io.bitsweep.eval.export.c;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.ActivationRange;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.engine.exact.QuantizedMultiplier;
import io.bitsweep.eval.engine.exact.RequantRounding;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.PrunedFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * A CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layer as the C library stores it: each channel's codes packed at
 * its real width (2..8 bits, LSB first, channel after channel; a pruned channel has none), only the input channels
 * that are not a pruned constant ({@link PrunedConstants}), and per computed channel the bias and the requantization
 * multiplier and shift the exact engine uses ({@code in_scale * w_scale[c] / out_scale}, TFLite's
 * {@code QuantizeMultiplier}), plus, with a residual ADD fused into the layer, the shortcut's multiplier into
 * accumulator units ({@code shortcut_scale / (in_scale * w_scale[c])}).
 */
final class PackedLayer {
    final Op op;
    /** The layer's output as the library writes it: the fused ADD's output, or the layer's own. */
    final Tensor input;
    final Tensor output;
    final Tensor weights;
    final int outChannels;
    /** Weights read per output channel: taps times live input channels. */
    final int rowLength;
    final int[] widths;
    final boolean uniformWidth;
    final int[] liveInputs;
    final int inputChannels;
    final byte[] codes;
    /** Per computed channel. */
    final int[] bias;
    final int[] multipliers;
    final int[] shifts;
    final boolean shiftOnly;
    final int[] shortcutMultipliers;
    final int[] shortcutShifts;
    final Tensor shortcut;
    final int outputZeroPoint;
    final int activationMin;
    final int activationMax;
    final RequantRounding rounding;
    final int accumulatorBits;

    /**
     * @param add the residual ADD fused into this layer, or null
     * @param shortcut the ADD's other input, or null
     */
    PackedLayer(ProgramSpec spec, Op op, Op add, Tensor shortcut, PrunedConstants constants) {
        Model model = spec.model();
        ProgramSpec.OpSpec os = spec.op(op.name());
        refuseBlockArithmetic(os, op);
        this.op = op;
        this.input = model.input(op, 0);
        Op producer = add != null ? add : op;
        this.output = model.output(producer);
        this.weights = model.weights(op);
        this.shortcut = shortcut;
        this.outChannels = model.outputChannels(op);
        OpType type = op.type();
        int taps = type == OpType.FULLY_CONNECTED ? 1 : weights.dim(1) * weights.dim(2);
        this.inputChannels = switch (type) {
            case CONV_2D -> weights.dim(3);
            case FULLY_CONNECTED -> weights.dim(1);
            default -> 1;
        };
        this.liveInputs = type == OpType.DEPTHWISE_CONV_2D ? null : constants.liveInputs(op, inputChannels);
        this.rowLength = taps * (liveInputs == null ? inputChannels : liveInputs.length);
        this.widths = widths(os, op, outChannels);
        this.uniformWidth = Arrays.stream(widths).distinct().count() == 1;
        this.codes = pack(op, type, taps);

        ExactOptions options = spec.options();
        this.rounding = switch (type) {
            case DEPTHWISE_CONV_2D -> options.kernelRounding();
            case FULLY_CONNECTED -> options.fullyConnectedRounding();
            default -> options.convRounding();
        };
        this.accumulatorBits = options.accumulatorBits();
        QuantParams wq = weights.quant().orElseThrow();
        float inScale = scale(input);
        float outScale = scale(output);
        this.outputZeroPoint = zeroPoint(output);
        int[] range = ActivationRange.int8(producer.options().activation(), outScale, outputZeroPoint);
        ProgramSpec.CodeRange codes = spec.op(producer.name()).outputCodes();
        this.activationMin = codes == null ? range[0] : Math.max(range[0], codes.min());
        this.activationMax = codes == null ? range[1] : Math.min(range[1], codes.max());
        int computed = 0;
        for (int c = 0; c < outChannels; c++) {
            computed += computed(c) ? 1 : 0;
        }
        int[] b = model.bias(op).map(Tensor::int32s).orElse(null);
        this.bias = b == null ? null : new int[computed];
        this.multipliers = new int[computed];
        this.shifts = new int[computed];
        this.shortcutMultipliers = shortcut == null ? null : new int[computed];
        this.shortcutShifts = shortcut == null ? null : new int[computed];
        boolean allPowersOfTwo = rounding == RequantRounding.SHIFT;
        for (int c = 0, slot = 0; c < outChannels; c++) {
            if (!computed(c)) {
                continue;
            }
            double wScale = wq.scale(wq.isPerChannel() ? c : 0);
            QuantizedMultiplier m = QuantizedMultiplier.of((double) inScale * wScale / (double) outScale);
            multipliers[slot] = m.multiplier();
            shifts[slot] = m.shift();
            allPowersOfTwo &= m.multiplier() == 1 << 30;
            if (bias != null) {
                bias[slot] = b[c];
            }
            if (shortcut != null) {
                QuantizedMultiplier s = QuantizedMultiplier.of((double) scale(shortcut) / ((double) inScale * wScale));
                shortcutMultipliers[slot] = s.multiplier();
                shortcutShifts[slot] = s.shift();
            }
            slot++;
        }
        this.shiftOnly = allPowersOfTwo;
    }

    /** Whether channel {@code c} has parameters: every channel of a fused layer, else the ones not pruned. */
    boolean computed(int c) {
        return shortcut != null || widths[c] != 0;
    }

    int computedChannels() {
        return multipliers.length;
    }

    /** Packed codes plus requantization parameters: what the search's weight-memory objective counts. */
    int weightBytes() {
        int perChannel = (shiftOnly ? 1 : 5) + (shortcut != null ? 5 : 0);
        return codes.length + perChannel * computedChannels();
    }

    int biasBytes() {
        return bias == null ? 0 : 4 * bias.length;
    }

    /** The per-channel width table (none when every channel has one width) and the live input list. */
    int tableBytes() {
        return (uniformWidth ? 0 : outChannels) + (liveInputs == null ? 0 : 2 * liveInputs.length);
    }

    /** Input channels of the weights that were dropped because they only ever multiply a pruned constant. */
    int droppedInputs() {
        return liveInputs == null ? 0 : inputChannels - liveInputs.length;
    }

    private static void refuseBlockArithmetic(ProgramSpec.OpSpec os, Op op) {
        if (os.block() == null) {
            return;
        }
        String format = os.weightFormats() == null ? "a block-format input" : os.weightFormats().stream()
                .filter(f -> !(f instanceof PrunedFormat)).map(NumberFormat::spec).findFirst().orElse("?");
        throw new BitSweepException("layer " + op.name() + " (" + format + "): block arithmetic (BFP/MX weights or "
                + "inputs, int9..int16 weights) is not exported to C (allowed: int2..int8 weights and "
                + "activations; docs/EXPORT.md)");
    }

    /** Bits per output channel: 0 for pruned channels, the format's width, 8 for an int8 model as it is. */
    private static int[] widths(ProgramSpec.OpSpec os, Op op, int channels) {
        int[] w = new int[channels];
        List<NumberFormat> formats = os.weightFormats();
        for (int c = 0; c < channels; c++) {
            if (os.isPruned(c)) {
                w[c] = 0;
            } else if (formats == null) {
                w[c] = 8;
            } else if (formats.get(c) instanceof IntFormat f && f.bits() <= 8) {
                w[c] = f.bits();
            } else {
                throw new IllegalStateException(op.name() + " channel " + c + ": " + formats.get(c).spec()
                        + " is not an int2..int8 format of the int8 kernels");
            }
        }
        return w;
    }

    /** Channel-major codes of the live input channels, each at its channel's width, LSB first. */
    private byte[] pack(Op op, OpType type, int taps) {
        byte[] w = weights.int8s();
        BitPacker packer = new BitPacker();
        for (int c = 0; c < outChannels; c++) {
            int bits = widths[c];
            if (bits == 0) {
                continue;
            }
            for (int t = 0; t < taps; t++) {
                if (type == OpType.DEPTHWISE_CONV_2D) {
                    packer.add(w[t * outChannels + c], bits, op, c);
                    continue;
                }
                int base = (c * taps + t) * inputChannels;
                if (liveInputs == null) {
                    for (int i = 0; i < inputChannels; i++) {
                        packer.add(w[base + i], bits, op, c);
                    }
                } else {
                    for (int i : liveInputs) {
                        packer.add(w[base + i], bits, op, c);
                    }
                }
            }
        }
        return packer.bytes();
    }

    private static float scale(Tensor t) {
        return t.quant().orElseThrow().scale(0);
    }

    private static int zeroPoint(Tensor t) {
        return (int) t.quant().orElseThrow().zeroPoint(0);
    }

    /** Two's complement codes of 1..8 bits into a little-endian bit stream. */
    private static final class BitPacker {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int pending;
        private int pendingBits;

        void add(byte code, int bits, Op op, int channel) {
            int lo = -(1 << (bits - 1));
            int hi = (1 << (bits - 1)) - 1;
            if (code < lo || code > hi) {
                throw new IllegalStateException(op.name() + " channel " + channel + ": code " + code
                        + " does not fit " + bits + " bits");
            }
            pending |= (code & ((1 << bits) - 1)) << pendingBits;
            pendingBits += bits;
            while (pendingBits >= 8) {
                out.write(pending & 0xff);
                pending >>>= 8;
                pendingBits -= 8;
            }
        }

        byte[] bytes() {
            if (pendingBits > 0) {
                out.write(pending & 0xff);
                pending = 0;
                pendingBits = 0;
            }
            return out.toByteArray();
        }
    }
}
