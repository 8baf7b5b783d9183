package io.bitsweep.search.hw;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Fp32Format;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.PrunedFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.hwsim.Layer;
import io.bitsweep.hwsim.Requantization;
import io.bitsweep.hwsim.ScaleForm;
import io.bitsweep.hwsim.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an hw-sim {@link Workload} from the model IR and the number formats of a candidate: one hw-sim layer per
 * CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, AVERAGE_POOL_2D and MAX_POOL_2D op, and an element-wise layer
 * per MUL, HARD_SWISH, LOGISTIC, MEAN, PAD and CONCATENATION (their element work, never free), with the IR's layer
 * names. Pools, PAD, RESHAPE, QUANTIZE and DEQUANTIZE pass their input's integer format and scale through (as the
 * exact engine: a pool or a pad keeps its input's codes, scale and zero point); a block format does not pass a pool
 * or a reshape (the engine carries block tensors as int8:asym; what reads the pool sees the pool's own format);
 * SOFTMAX is not costed.
 *
 * <p>Formats map to hardware widths as: {@code intN} (any variant) -> N bits, {@code pruned} -> 0 (the channel costs
 * nothing), {@code fp32} -> 32 bits, block formats ({@code bfp}, {@code mx*}) -> the element width (mantissa bits
 * including sign) with the block size and the shared-exponent width. A layer reads the activations of the format its
 * input tensor's producer writes (the model input takes {@link Precisions#modelInput()}).
 *
 * <p>Every conv, depthwise, FC and ADD layer says how it requantizes (docs/HWSIM.md, "What the workload adapter
 * provides"): {@link ScaleForm#BLOCK} if it writes a block format; {@link ScaleForm#POWER_OF_TWO} if every scale it
 * rescales by is {@code :pot} (a layer: its input, every computed weight channel and its output; an ADD: both inputs
 * and its output; a layer fused with its ADD: its input, its weights, the shortcut and the ADD's output); else
 * {@link ScaleForm#FIXED_POINT}. A layer the engine fuses with its residual ADD ({@link Precisions#residualFusions()})
 * is placed right before that ADD, which then reads the shortcut in the shortcut's width.
 */
public final class WorkloadAdapter {

    /** The number formats of a candidate, layer by layer (docs/ASSIGNMENT.md: "weights" per channel, "activations"). */
    public interface Precisions {
        /** One weight format per output channel of a quantizable layer. */
        NumberFormat[] weights(Op op, int outputChannels);

        /** The format of the activations the op writes. */
        NumberFormat activations(Op op);

        /** The format of the model's input activations. */
        NumberFormat modelInput();

        /**
         * The residual ADDs fused into the layer feeding them, ADD name to layer name, as the exact engine runs them
         * ({@link io.bitsweep.eval.quant.ResidualFusion}); none by default.
         */
        default Map<String, String> residualFusions() {
            return Map.of();
        }
    }

    /**
     * Width of the accumulator conv, depthwise and FC layers requantize from: the exact engine's (int32 for the int8
     * kernels, and the aligned accumulator of block layers, as the search and {@code bitsweep hwsim} run them).
     */
    static final int ACCUMULATOR_BITS = ExactOptions.tflite().accumulatorBits();
    /** TFLite's int8 ADD shifts its inputs left by 20 into int32 registers and rescales those. */
    static final int ADD_ACCUMULATOR_BITS = 32;

    private WorkloadAdapter() {
    }

    /** Every layer's weights in {@code weights}, every activation (model input included) in {@code activations}. */
    public static Precisions uniform(NumberFormat weights, NumberFormat activations) {
        return new Precisions() {
            @Override
            public NumberFormat[] weights(Op op, int outputChannels) {
                NumberFormat[] f = new NumberFormat[outputChannels];
                Arrays.fill(f, weights);
                return f;
            }

            @Override
            public NumberFormat activations(Op op) {
                return activations;
            }

            @Override
            public NumberFormat modelInput() {
                return activations;
            }
        };
    }

    public static Workload build(Model model, Precisions precisions) {
        Map<String, String> fusedInto = new HashMap<>();
        precisions.residualFusions().forEach((add, layer) -> fusedInto.put(layer, add));
        Map<Integer, NumberFormat> tensorFormat = new HashMap<>();
        Set<Integer> potScaled = new HashSet<>();
        for (int in : model.inputIndices()) {
            tensorFormat.put(in, precisions.modelInput());
            if (isPot(precisions.modelInput())) {
                potScaled.add(in);
            }
        }
        Map<String, Op> producers = new HashMap<>();
        Map<String, Layer> waitingForTheirAdd = new HashMap<>();
        List<Layer> layers = new ArrayList<>();
        for (Op op : model.ops()) {
            NumberFormat inFormat = tensorFormat.getOrDefault(op.input(0), precisions.modelInput());
            boolean passThrough = switch (op.type()) {
                case RESHAPE, QUANTIZE, DEQUANTIZE, AVERAGE_POOL_2D, MAX_POOL_2D, PAD -> true;
                default -> false;
            };
            NumberFormat outFormat = passThrough && !(inFormat instanceof BlockFormat) ? inFormat
                    : precisions.activations(op);
            tensorFormat.put(op.output(), outFormat);
            if (passThrough ? potScaled.contains(op.input(0)) : isPot(outFormat)) {
                potScaled.add(op.output());
            }
            producers.put(op.name(), op);
            Layer layer = shape(model, op);
            if (layer == null) {
                continue;
            }
            layer = withFormats(op, layer, inFormat, outFormat, precisions);
            if (fusedInto.containsKey(op.name())) {
                waitingForTheirAdd.put(op.name(), layer);
                continue;
            }
            if (op.type() == OpType.ADD) {
                boolean potInputs = potScaled.contains(op.input(0)) && potScaled.contains(op.input(1));
                layer = layer.withRequantization(new Requantization(form(outFormat, potInputs && isPot(outFormat)),
                        ADD_ACCUMULATOR_BITS, false));
                String fused = precisions.residualFusions().get(op.name());
                if (fused != null) {
                    Op l = producers.get(fused);
                    int shortcut = op.input(0) == l.output() ? op.input(1) : op.input(0);
                    // The engine runs the fused layer at its ADD's place; hw-sim wants it right before the ADD.
                    layers.add(waitingForTheirAdd.remove(fused).withRequantization(new Requantization(
                            form(outFormat, potScaled.contains(l.input(0)) && potWeights(model, l, precisions)
                                    && potScaled.contains(shortcut) && isPot(outFormat)),
                            ACCUMULATOR_BITS, true)));
                    layer = layer.withActivationBits(bits(op, "activations", tensorFormat.get(shortcut)),
                            layer.outBits());
                }
            } else if (op.type().isQuantizable()) {
                layer = layer.withRequantization(new Requantization(form(outFormat,
                        potScaled.contains(op.input(0)) && potWeights(model, op, precisions) && isPot(outFormat)),
                        ACCUMULATOR_BITS, false));
            }
            layers.add(layer);
        }
        return new Workload(model.source(), layers);
    }

    /**
     * How a layer requantizes into {@code written}: block formats normalise results into blocks; otherwise a shift
     * when every scale it rescales by is a power of two ({@code allScalesPot}), else a fixed-point multiplier.
     */
    private static ScaleForm form(NumberFormat written, boolean allScalesPot) {
        return written instanceof BlockFormat ? ScaleForm.BLOCK
                : allScalesPot ? ScaleForm.POWER_OF_TWO : ScaleForm.FIXED_POINT;
    }

    /** True if the format's scale is a power of two ({@code :pot}). */
    private static boolean isPot(NumberFormat f) {
        return f instanceof IntFormat i && i.powerOfTwo();
    }

    /** True if every computed (unpruned) output channel of a layer has a power-of-two weight scale. */
    private static boolean potWeights(Model model, Op op, Precisions precisions) {
        for (NumberFormat f : precisions.weights(op, model.outputChannels(op))) {
            if (!(f instanceof PrunedFormat) && !isPot(f)) {
                return false;
            }
        }
        return true;
    }

    /** The layer with the widths (and block sizes) of its formats: activations read and written, weights per channel. */
    private static Layer withFormats(Op op, Layer layer, NumberFormat inFormat, NumberFormat outFormat,
            Precisions precisions) {
        int inBits = bits(op, "activations", inFormat);
        int outBits = bits(op, "activations", outFormat);
        layer = layer.withActivationBits(inBits, outBits);
        int weightBlock = 0;
        int exponentBits = inFormat instanceof BlockFormat b ? b.scaleBits() : 8;
        if (op.type().isQuantizable()) {
            NumberFormat[] wf = precisions.weights(op, layer.outC());
            if (wf.length != layer.outC()) {
                throw new BitSweepException("layer " + op.name() + ": " + wf.length + " weight formats for "
                        + layer.outC() + " output channels");
            }
            int[] wBits = new int[wf.length];
            BlockFormat block = null;
            for (int c = 0; c < wf.length; c++) {
                wBits[c] = bits(op, "weights", wf[c]);
                if (wf[c] instanceof BlockFormat b) {
                    if (block != null && (b.blockSize() != block.blockSize() || b.scaleBits() != block.scaleBits())) {
                        throw new BitSweepException("layer " + op.name() + ": weight channels mix block formats "
                                + block.spec() + " and " + b.spec() + "; hw-sim needs one block size per layer");
                    }
                    block = b;
                } else if (!(wf[c] instanceof PrunedFormat) && block != null) {
                    throw new BitSweepException("layer " + op.name() + ": weight channels mix " + block.spec()
                            + " and " + wf[c].spec() + "; hw-sim needs all or none of a layer's channels in BFP");
                }
            }
            layer = layer.withWeightBits(wBits);
            if (block != null) {
                weightBlock = block.blockSize();
                exponentBits = block.scaleBits();
            }
        }
        int actBlock = op.type().isQuantizable() && inFormat instanceof BlockFormat b ? b.blockSize() : 0;
        if (weightBlock > 0 || actBlock > 0) {
            layer = layer.withBfp(weightBlock, actBlock, exponentBits);
        }
        return layer;
    }

    /** The hw-sim layer of an op with its shapes (int8 until the formats are applied), or null if not costed. */
    private static Layer shape(Model model, Op op) {
        Tensor in = model.input(op, 0);
        Tensor out = model.output(op);
        int[] i = hwc(in);
        int[] o = hwc(out);
        return switch (op.type()) {
            case CONV_2D -> {
                Tensor w = model.weights(op);
                yield Layer.conv(op.name(), i[0], i[1], i[2], w.dim(1), w.dim(2), o[0], o[1], o[2]);
            }
            case DEPTHWISE_CONV_2D -> {
                Tensor w = model.weights(op);
                int multiplier = ((OpOptions.DepthwiseConv) op.options()).depthMultiplier();
                if (multiplier != 1) {
                    throw new BitSweepException("layer " + op.name() + ": depthwise with depth multiplier "
                            + multiplier + " is not supported by hw-sim (allowed: 1)");
                }
                yield Layer.depthwise(op.name(), i[0], i[1], i[2], w.dim(1), w.dim(2), o[0], o[1]);
            }
            case FULLY_CONNECTED -> {
                Tensor w = model.weights(op);
                long rows = out.elementCount() / w.dim(0);
                // Several rows (a batch or keep_num_dims) are a 1x1 convolution over `rows` positions.
                yield rows == 1 ? Layer.fc(op.name(), w.dim(1), w.dim(0))
                        : Layer.conv(op.name(), (int) rows, 1, w.dim(1), 1, 1, (int) rows, 1, w.dim(0));
            }
            case ADD -> Layer.add(op.name(), o[0], o[1], o[2]);
            // The other element ops: every operand read, ELEMENTWISE_OPS operations per output element; MEAN one
            // addition per input element.
            case MUL, HARD_SWISH, LOGISTIC, PAD, CONCATENATION -> Layer.elementwise(op.name(), o[0], o[1], o[2],
                    inputElements(model, op), ELEMENTWISE_OPS.get(op.type()));
            case MEAN -> Layer.elementwise(op.name(), o[0], o[1], o[2], in.elementCount(),
                    (int) (in.elementCount() / out.elementCount()));
            case AVERAGE_POOL_2D, MAX_POOL_2D -> {
                OpOptions.Pool p = (OpOptions.Pool) op.options();
                yield Layer.pool(op.name(), i[0], i[1], i[2], p.filterH(), p.filterW(), o[0], o[1]);
            }
            case RESHAPE, SOFTMAX, QUANTIZE, DEQUANTIZE -> null;
        };
    }

    /**
     * Operations per output element of the element ops: a multiply, a table lookup (int8 LOGISTIC, as TFLite runs
     * it) and a copy (PAD, CONCATENATION) are one; HARD_SWISH {@code x * relu6(x + 3) / 6} is three (add and clamp,
     * multiply, scale).
     */
    static final Map<OpType, Integer> ELEMENTWISE_OPS = Map.of(OpType.MUL, 1, OpType.LOGISTIC, 1, OpType.PAD, 1,
            OpType.CONCATENATION, 1, OpType.HARD_SWISH, 3);

    /** Elements of every activation operand of an op (constants are not streamed). */
    private static long inputElements(Model model, Op op) {
        long n = 0;
        for (int t : op.inputs()) {
            if (t != Op.ABSENT && !model.tensor(t).isConstant()) {
                n += model.tensor(t).elementCount();
            }
        }
        return Math.max(1, n);
    }

    /** [H, W, C] of an NHWC tensor with batch 1; lower ranks are 1 x 1 x (last dimension) rows folded into H. */
    private static int[] hwc(Tensor t) {
        int[] s = t.shape();
        return switch (s.length) {
            case 4 -> new int[] {s[1], s[2], s[3]};
            case 3 -> new int[] {s[0] * s[1], 1, s[2]};
            case 2 -> new int[] {s[0], 1, s[1]};
            case 1 -> new int[] {1, 1, s[0]};
            default -> throw new BitSweepException("tensor " + t.name() + ": rank " + s.length
                    + " is not supported by hw-sim (allowed: 1..4)");
        };
    }

    /** The hardware width of a format: element bits, 0 for pruned. */
    private static int bits(Op op, String field, NumberFormat f) {
        if (f instanceof PrunedFormat) {
            if (field.equals("activations")) {
                throw new BitSweepException("layer " + op.name() + ": activations cannot be 'pruned'");
            }
            return 0;
        }
        if (f instanceof IntFormat i) {
            return i.bits();
        }
        if (f instanceof BlockFormat b) {
            return b.element().bits();
        }
        if (f instanceof Fp32Format) {
            return 32;
        }
        throw new BitSweepException("layer " + op.name() + ": " + field + " format " + f.spec()
                + " has no hardware width");
    }
}
