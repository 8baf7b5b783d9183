package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.BlockLayer;
import io.bitsweep.eval.engine.exact.BlockWeights;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.engine.exact.RequantRounding;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Post-training quantization of a float model into the {@link ProgramSpec} the exact engine runs, laid out as
 * TFLite's converter would lay out an int8 model: symmetric per-channel weights (each channel in its own format: int2..int8, {@code :pot}, or pruned), int32
 * biases at scale {@code in_scale * w_scale[c]}, activations with a scale and zero point from calibrated ranges,
 * pooling and reshape outputs sharing their input's parameters, softmax output at 1/256 with zero point -128.
 *
 * <p>BN is already folded and ReLU fused into the preceding conv in TFLite float models, so each conv+BN+ReLU
 * unit has one quantization point (its output, after the ReLU) — the fusion of Geng et al. for those units. With
 * {@code fusion: residual}, residual ADDs are fused into the int8 layer feeding them ({@link ResidualFusion}).
 */
public final class ProgramSpecBuilder {
    private final Model f;
    private final QuantPlan plan;
    private final Map<Integer, Calibrator.Range> ranges;
    private final WeightRows rows;
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<Integer, QuantParams> actQuant = new HashMap<>();
    /** Per activation tensor, the code range of its format; pass-through ops share their input's. */
    private final Map<Integer, ProgramSpec.CodeRange> codeRanges = new HashMap<>();
    private final Map<String, boolean[]> pruned = new HashMap<>();
    private final Map<String, BlockLayer> blockLayers = new LinkedHashMap<>();
    private Map<Integer, NumberFormat> formats;

    private ProgramSpecBuilder(Model floatModel, QuantPlan plan, Map<Integer, Calibrator.Range> ranges,
            WeightRows rows) {
        this.f = floatModel;
        this.plan = plan;
        this.ranges = ranges;
        this.rows = rows;
    }

    /**
     * @param rows the quantized weight rows of {@code floatModel} (integer formats look their channels up there);
     *             they must serve the assignment's settings ({@link WeightRows#serves})
     */
    public static ProgramSpec build(Model floatModel, QuantPlan plan, Map<Integer, Calibrator.Range> ranges,
            WeightRows rows) {
        return new ProgramSpecBuilder(floatModel, plan, ranges, rows).build();
    }

    /**
     * The activation format of every tensor by index: the model input's {@code int8:asym}, then each op's
     * {@link QuantPlan#outputFormat} (a layer's, an ADD's entry, else the default).
     */
    public static Map<Integer, NumberFormat> activationFormats(Model model, QuantPlan plan) {
        Map<Integer, NumberFormat> m = new LinkedHashMap<>();
        m.put(model.input().index(), NumberFormat.parse("int8:asym"));
        for (Op op : model.ops()) {
            m.put(op.output(), plan.outputFormat(op));
        }
        return m;
    }

    private ProgramSpec build() {
        formats = activationFormats(f, plan);
        // activations first, in execution order, so pass-through ops can copy their input's parameters
        actQuant.put(f.input().index(), activation(f.input().index(), formats.get(f.input().index()), "model input"));
        for (Op op : f.ops()) {
            int out = op.output();
            QuantParams q = switch (op.type()) {
                case RESHAPE, AVERAGE_POOL_2D, MAX_POOL_2D, PAD -> {
                    codeRanges.put(out, codeRanges.get(op.input(0)));
                    yield actQuant.get(op.input(0));
                }
                // TFLite's int8 softmax and logistic write probabilities at scale 1/256, zero point -128.
                case SOFTMAX, LOGISTIC -> {
                    codeRanges.put(out, ProgramSpec.CodeRange.INT8);
                    yield QuantParams.perTensor(1f / 256, -128);
                }
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, MUL, MEAN, HARD_SWISH, CONCATENATION ->
                        activation(out, formats.get(out), op.name());
                case QUANTIZE, DEQUANTIZE -> throw new BitSweepException(f.source() + ": layer " + op.name()
                        + " (" + op.type() + "): quantizing an already quantized model is not supported");
            };
            actQuant.put(out, q);
        }
        for (Tensor t : f.tensors()) {
            tensors.add(t);
        }
        for (Op op : f.ops()) {
            if (op.type().isQuantizable()) {
                quantizeLayer(op);
            } else if (op.type().isElementwise()) {
                // Float constants are data (MUL by 1/6); integer ones are attributes (PAD's paddings), kept as is.
                for (int t : op.inputs()) {
                    if (t != Op.ABSENT && f.tensor(t).isConstant() && f.tensor(t).dtype() == DType.FLOAT32
                            && !actQuant.containsKey(t)) {
                        actQuant.put(t, constantOperand(f.tensor(t)));
                    }
                }
            }
        }
        for (Map.Entry<Integer, QuantParams> e : actQuant.entrySet()) {
            Tensor t = f.tensor(e.getKey());
            if (!t.isConstant()) { // constant operands were replaced with their codes already
                tensors.set(t.index(), new Tensor(t.index(), t.name(), t.shape(), DType.INT8, e.getValue(), null));
            }
        }
        Model q = new Model(f.source() + " [" + describe() + "]", f.sha256(), tensors, f.ops(), f.inputIndices(),
                f.outputIndices(), f.inputLayout());
        QuantSettings s = plan.assignment().settings();
        RequantRounding r = usesPowerOfTwo() ? RequantRounding.SHIFT
                : s.requant() == QuantSettings.Requant.SINGLE ? RequantRounding.SINGLE : RequantRounding.DOUBLE;
        Map<String, String> fusions = ResidualFusion.of(f, plan);
        Map<String, ProgramSpec.OpSpec> ops = new LinkedHashMap<>();
        for (Op op : f.ops()) {
            QuantPlan.LayerPlan lp = plan.layers().get(op.name());
            ops.put(op.name(), new ProgramSpec.OpSpec(lp == null ? null : Arrays.asList(lp.weights()),
                    formats.get(op.output()), codeRanges.get(op.output()), pruned.get(op.name()),
                    blockLayers.get(op.name()), fusions.get(op.name())));
        }
        ExactOptions options = s.requant() == QuantSettings.Requant.TFLITE && r != RequantRounding.SHIFT
                ? ExactOptions.of(s.arithmetic()) : ExactOptions.quantized(s.arithmetic(), r);
        return new ProgramSpec(q, options, ops);
    }

    /** Whether any format has power-of-two scales: then exact power-of-two multipliers become plain shifts. */
    private boolean usesPowerOfTwo() {
        return plan.layers().values().stream().anyMatch(l -> isPot(l.activations())
                || Arrays.stream(l.weights()).anyMatch(ProgramSpecBuilder::isPot))
                || plan.addOutputs().values().stream().anyMatch(ProgramSpecBuilder::isPot);
    }

    private static boolean isPot(NumberFormat f) {
        return f instanceof IntFormat i && i.powerOfTwo();
    }

    private String describe() {
        return "w=" + plan.assignment().defaultWeights() + ",a=" + plan.assignment().defaultActivations()
                + (plan.assignment().settings().fusion() == QuantSettings.Fusion.RESIDUAL ? ",fusion=residual" : "");
    }

    /**
     * Scale and zero point of an activation tensor from its calibrated range and its integer format. A tensor in a
     * block format is carried between layers as int8:asym and requantized into its block format by the block layers
     * that read it (docs/BLOCK-ARITHMETIC.md).
     */
    private QuantParams activation(int tensor, NumberFormat format, String where) {
        if (!(ActivationGrid.carried(format) instanceof IntFormat fmt) || fmt.bits() > 8) {
            throw new BitSweepException(where + ": activation format " + format.spec() + " is not supported by the "
                    + "exact engine (allowed: int2..int8, with :asym or :pot; bfp:...; mx...)");
        }
        ActivationGrid g = ActivationGrid.of(ranges.get(tensor), fmt);
        codeRanges.put(tensor, new ProgramSpec.CodeRange(g.qmin(), g.qmax()));
        return QuantParams.perTensor(g.scale(), g.zeroPoint());
    }

    /**
     * A constant operand of an element op (e.g. MUL by 1/6) as int8 codes over its own [min, max] (0 included),
     * asymmetric, as TFLite's converter quantizes such constants. Returns the parameters; the tensor is replaced.
     */
    private QuantParams constantOperand(Tensor t) {
        float[] v = t.dequantize();
        Calibrator.Range r = new Calibrator.Range(min(v), max(v));
        float scale = (r.max() - r.min()) / 255f;
        scale = scale > 0 ? scale : 1f;
        int zp = (int) Math.max(-128, Math.min(127, -128 - Math.round(r.min() / scale)));
        byte[] codes = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            codes[i] = (byte) Math.max(-128, Math.min(127, Math.round(v[i] / scale) + zp));
        }
        QuantParams q = QuantParams.perTensor(scale, zp);
        tensors.set(t.index(), new Tensor(t.index(), t.name(), t.shape(), DType.INT8, q, codes));
        return q;
    }

    private static float min(float[] v) {
        float m = Float.POSITIVE_INFINITY;
        for (float x : v) {
            m = Math.min(m, x);
        }
        return m;
    }

    private static float max(float[] v) {
        float m = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    private void quantizeLayer(Op op) {
        QuantPlan.LayerPlan lp = plan.layers().get(op.name());
        NumberFormat input = formats.get(op.input(0));
        if (lp.runsOnBlockArithmetic(input)) {
            blockLayers.put(op.name(), blockLayer(op, lp, input instanceof BlockFormat b ? b : null));
            return;
        }
        Tensor w = f.weights(op);
        int axis = Model.outputChannelAxis(op.type());
        int channels = f.outputChannels(op);
        IntWeights iw = intWeights(op, lp, 8);
        if (iw.anyPruned()) {
            pruned.put(op.name(), iw.pruned());
        }
        byte[] codes = new byte[iw.codes().length];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (byte) iw.codes()[i];
        }
        long[] zps = new long[channels];
        tensors.set(w.index(), new Tensor(w.index(), w.name(), w.shape(), DType.INT8,
                new QuantParams(iw.scales(), zps, axis), codes));
        f.bias(op).ifPresent(b -> {
            float[] bf = b.dequantize();
            float inScale = actQuant.get(op.input(0)).scale(0);
            ByteBuffer bb = ByteBuffer.allocate(4 * channels).order(ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < channels; c++) {
                double sc = (double) inScale * iw.scales()[c];
                long q = iw.pruned()[c] ? 0 : Math.round(correctedBias(bf[c], iw, c) / sc);
                bb.putInt((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, q)));
            }
            float[] bScales = new float[channels];
            for (int c = 0; c < channels; c++) {
                bScales[c] = inScale * iw.scales()[c];
            }
            tensors.set(b.index(), new Tensor(b.index(), b.name(), b.shape(), DType.INT32,
                    new QuantParams(bScales, new long[channels], 0), bb.array()));
        });
    }

    /**
     * Symmetric per-channel integer weights: codes in the weight tensor's C order, one scale per channel, and per
     * channel the shift of its mean output that bias correction takes out (null without bias correction).
     */
    private record IntWeights(int[] codes, float[] scales, boolean[] pruned, boolean anyPruned, int maxBits,
            double[] outputShift) {}

    /**
     * A channel's float bias, less the expected output shift of its quantized row when bias correction is on:
     * {@code b - E[(w_q - w) · x]}, so that the quantized channel's mean output over the calibration inputs is the
     * float channel's. It lands in the int32 bias like any bias; the engine does not know.
     */
    private static double correctedBias(float bias, IntWeights iw, int c) {
        return iw.outputShift() == null ? bias : bias - iw.outputShift()[c];
    }

    /** Each channel's row looked up in {@link #rows} in its own format, laid out in the weight tensor's C order. */
    private IntWeights intWeights(Op op, QuantPlan.LayerPlan lp, int maxBits) {
        Tensor w = f.weights(op);
        int axis = Model.outputChannelAxis(op.type());
        int channels = f.outputChannels(op);
        QuantSettings settings = plan.assignment().settings();
        Layout layout = NumberFormat.parse("int8").layout(w.shape(), new Granularity.PerChannel(axis));
        int[] codes = new int[layout.size()];
        float[] scales = new float[channels];
        double[] shift = settings.biasCorrection() ? new double[channels] : null;
        boolean[] skip = new boolean[channels];
        boolean anyPruned = false;
        int bits = 2;
        Map<IntFormat, QuantizedRows> byFormat = new HashMap<>();
        for (int c = 0; c < channels; c++) {
            NumberFormat fc = lp.weights()[c];
            if (lp.isPruned(c)) {
                skip[c] = true;
                anyPruned = true;
                scales[c] = 1f;
                continue;
            }
            if (!(fc instanceof IntFormat ic) || ic.bits() > maxBits || ic.asymmetric()) {
                throw new BitSweepException("layers." + op.name() + ".weights[" + c + "]: " + fc.spec()
                        + " is not supported by the exact engine here (allowed: int2..int" + maxBits
                        + ", with :pot, pruned; one bfp/mx format for all channels)");
            }
            bits = Math.max(bits, ic.bits());
            QuantizedRows r = byFormat.computeIfAbsent(ic, fmt -> rows.rows(op, fmt, settings));
            int k = c * r.length();
            int base = layout.base(c);
            for (int run = 0; run < layout.runs(); run++) {
                for (int t = 0, i = base + run * layout.runStride(); t < layout.runLength(c);
                        t++, i += layout.elementStride()) {
                    codes[i] = r.codes()[k++];
                }
            }
            scales[c] = r.scales()[c];
            if (shift != null) {
                shift[c] = r.outputShift()[c];
            }
        }
        return new IntWeights(codes, scales, skip, anyPruned, bits, shift);
    }

    /**
     * A layer on block arithmetic: weights as integer mantissas per channel along the reduction (conv: per tap
     * along the input channels; FC: along the inputs; depthwise: along the taps), in one block format for all
     * channels (pruned channels aside), or symmetric int2..int16 per channel (int9..int16 weights always run
     * here: their products do not fit the int8 kernels' int32 lanes).
     */
    private BlockLayer blockLayer(Op op, QuantPlan.LayerPlan lp, BlockFormat input) {
        Tensor w = f.weights(op);
        int[] shape = w.shape();
        int channels = f.outputChannels(op);
        boolean depthwise = op.type() == OpType.DEPTHWISE_CONV_2D;
        int rows = op.type() == OpType.CONV_2D ? shape[1] * shape[2] : 1;
        int rowLength = op.type() == OpType.CONV_2D ? shape[3] : depthwise ? shape[1] * shape[2] : shape[1];
        int reduction = rows * rowLength;
        boolean[] skip = new boolean[channels];
        BlockFormat block = null;
        for (int c = 0; c < channels; c++) {
            skip[c] = lp.isPruned(c);
            if (lp.weights()[c] instanceof BlockFormat b) {
                if (block != null && !block.equals(b)) {
                    throw new BitSweepException("layers." + op.name() + ".weights[" + c + "]: " + b.spec()
                            + " differs from " + block.spec() + " of another channel (allowed: one bfp/mx format "
                            + "for all channels of a layer, and pruned)");
                }
                block = b;
            }
        }
        float[] bias = f.bias(op).map(Tensor::dequantize).orElse(null);
        float[] src = w.dequantize();
        if (depthwise) { // [1][taps][C] -> [C][taps], so that every layout below is [channel][row][rowLength]
            float[] t = new float[src.length];
            for (int tap = 0; tap < reduction; tap++) {
                for (int c = 0; c < channels; c++) {
                    t[c * reduction + tap] = src[tap * channels + c];
                }
            }
            src = t;
        }
        if (block != null) {
            for (int c = 0; c < channels; c++) {
                if (!skip[c] && !(lp.weights()[c] instanceof BlockFormat)) {
                    throw new BitSweepException("layers." + op.name() + ".weights[" + c + "]: " + lp.weights()[c]
                            .spec() + " next to " + block.spec() + " (allowed: one bfp/mx format for all channels "
                            + "of a layer, and pruned)");
                }
            }
            return new BlockLayer(BlockWeights.quantize(block, src, channels, rows, rowLength, skip), input,
                    bias);
        }
        IntWeights iw = intWeights(op, lp, 16);
        if (bias != null) {
            for (int c = 0; c < channels; c++) {
                bias[c] = (float) correctedBias(bias[c], iw, c);
            }
        }
        long[] mant = new long[channels * reduction];
        double[] scales = new double[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = iw.scales()[c];
            for (int k = 0; k < reduction; k++) {
                mant[c * reduction + k] = depthwise ? iw.codes()[k * channels + c] : iw.codes()[c * reduction + k];
            }
        }
        return new BlockLayer(new BlockWeights(channels, rows, rowLength, Integer.MAX_VALUE, mant,
                new int[channels * rows], scales, skip, iw.maxBits() - 1), input, bias);
    }
}
