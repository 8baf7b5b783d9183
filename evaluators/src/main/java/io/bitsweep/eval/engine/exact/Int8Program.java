package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fully int8 TFLite model compiled into a sequence of integer kernels, with the weights laid out once and one
 * byte buffer per activation tensor (RESHAPE aliases its input's buffer). Runs one input at a time; not
 * thread-safe (it owns its buffers and kernel scratch). A float model input or output is supported through a
 * QUANTIZE / DEQUANTIZE op at the edge, which the caller's {@link #quantizeInput} / {@link #dequantizeOutput} do.
 */
public final class Int8Program {
    /** One compiled op. */
    interface Step {
        void run();
    }

    private final Model model;
    private final byte[][] buffers;
    private final List<Step> steps = new ArrayList<>();
    private final List<OutputStage> outputStages = new ArrayList<>();
    private final Tensor input;
    private final Tensor output;
    private final int int8Input;
    private final int int8Output;

    private final ActivationStatistics statistics;
    private final Map<Integer, int[]> codeRanges;
    private final Map<String, boolean[]> pruned;
    private final Map<String, BlockLayer> blockLayers;
    private final List<AlignedAccumulator> blockAccumulators = new ArrayList<>();

    /**
     * A residual ADD fused into the layer feeding it: the layer writes the ADD's output, with the ADD's fused
     * activation, and adds {@code shortcut} (the ADD's other input) into its accumulators.
     */
    private record FusedAdd(Op add, Tensor shortcut) {}

    /** An int8 TFLite model as it is. */
    public Int8Program(Model model, ExactOptions options) {
        this(model, options, Map.of(), Map.of(), Map.of(), Map.of());
    }

    /**
     * @param codeRanges per activation tensor, the code range {@code {min, max}} of its format when narrower than
     *     int8 (e.g. {@code {-8, 7}} for int4); outputs are clamped to it
     * @param pruned per layer name, the output channels not to compute (they output the zero point)
     * @param blockLayers per layer name, the layers that run on block arithmetic (docs/BLOCK-ARITHMETIC.md)
     *     instead of the int8 kernels; their IR weights and bias are not used
     * @param residualFusions per ADD name, the int8 CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layer (without
     *     fused activation, its output read by nothing else) whose accumulator the ADD's other input is added into,
     *     with one requantization to the ADD's output (docs/ASSIGNMENT.md, "Residual fusion"); the layer runs at
     *     the ADD's place and its own output tensor is never computed
     */
    public Int8Program(Model model, ExactOptions options, Map<Integer, int[]> codeRanges,
            Map<String, boolean[]> pruned, Map<String, BlockLayer> blockLayers, Map<String, String> residualFusions) {
        this.model = model;
        this.codeRanges = codeRanges;
        this.pruned = pruned;
        this.blockLayers = blockLayers;
        this.statistics = options.statistics() ? new ActivationStatistics() : null;
        this.buffers = new byte[model.tensors().size()][];
        this.input = model.input();
        this.output = model.output();
        int qin = input.index();
        int qout = output.index();
        java.util.Set<String> fusedLayers = new java.util.HashSet<>(residualFusions.values());
        for (Op op : model.ops()) {
            if (fusedLayers.contains(op.name())) {
                continue; // compiled at its ADD, which may read a shortcut computed after this layer's own place
            }
            switch (op.type()) {
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> {
                    BlockLayer block = blockLayers.get(op.name());
                    if (block != null) {
                        compileBlock(op, block, options);
                    } else {
                        compileIntLayer(op, options, null);
                    }
                }
                case ADD -> {
                    String fused = residualFusions.get(op.name());
                    if (fused != null) {
                        compileFusedAdd(op, fused, options);
                    } else {
                        compileAdd(op);
                    }
                }
                case AVERAGE_POOL_2D, MAX_POOL_2D -> compilePool(op);
                case RESHAPE -> buffers[op.output()] = int8Buffer(op, op.input(0));
                case SOFTMAX -> compileSoftmax(op);
                case QUANTIZE -> {
                    Tensor in = model.input(op, 0);
                    if (in.dtype() == DType.FLOAT32) {
                        if (in.index() != input.index()) {
                            throw unsupported(op, "QUANTIZE from float32 is supported only on the model input");
                        }
                        qin = op.output(); // the predictor quantizes, exactly as this op would
                        int8Activation(op, model.output(op));
                    } else {
                        compileRequantize(op, options);
                    }
                }
                case DEQUANTIZE -> {
                    if (op.output() != output.index()) {
                        throw unsupported(op, "DEQUANTIZE is supported only on the model output");
                    }
                    qout = op.input(0); // the predictor dequantizes, exactly as this op would
                    int8Activation(op, model.input(op, 0));
                }
            }
            if (statistics != null && (op.type().isQuantizable() || op.type() == io.bitsweep.eval.model.OpType.ADD)) {
                byte[] y = buffers[op.output()];
                int zp = zeroPoint(model.output(op));
                String name = op.name();
                steps.add(() -> statistics.observe(name, y, zp));
            }
        }
        this.int8Input = qin;
        this.int8Output = qout;
        if (buffers[int8Input] == null) {
            buffers[int8Input] = new byte[(int) model.tensor(int8Input).elementCount()];
        }
    }

    public Model model() {
        return model;
    }

    /** Bytes of the int8 input tensor (after the input QUANTIZE, if the model has one). */
    public int inputBytes() {
        return buffers[int8Input].length;
    }

    /** Bytes of the int8 output tensor (before the output DEQUANTIZE, if the model has one). */
    public int outputBytes() {
        return buffers[int8Output].length;
    }

    /** Runs the int8 graph on raw int8 input bytes; returns the int8 output buffer (valid until the next run). */
    public byte[] run(byte[] int8In) {
        System.arraycopy(int8In, 0, buffers[int8Input], 0, buffers[int8Input].length);
        for (Step s : steps) {
            s.run();
        }
        return buffers[int8Output];
    }

    /**
     * Every tensor's int8 buffer after the last run (null for tensors without one, e.g. the output of a layer
     * fused into a residual ADD); for bit-exactness tests. The arrays are the program's own: do not write them.
     */
    public byte[][] tensorBuffers() {
        return buffers;
    }

    /** Quantizes a float input with the int8 input tensor's parameters (TFLite's AffineQuantize). */
    public void quantizeInput(float[] x, byte[] q) {
        Tensor t = model.tensor(int8Input);
        QuantParams p = quant(t, "model input");
        Int8Quantization.quantize(x, p.scale(0), (int) p.zeroPoint(0), q);
    }

    /** Dequantizes int8 output bytes with the int8 output tensor's parameters. */
    public void dequantizeOutput(byte[] q, float[] y) {
        QuantParams p = quant(model.tensor(int8Output), "model output");
        Int8Quantization.dequantize(q, p.scale(0), (int) p.zeroPoint(0), y);
    }

    /** Activation statistics of the runs so far, or null if {@link ExactOptions#statistics()} was off. */
    public ActivationStatistics statistics() {
        return statistics;
    }

    /** Accumulator saturation events so far, summed over layers. */
    public long saturations() {
        return outputStages.stream().mapToLong(OutputStage::saturations).sum()
                + blockAccumulators.stream().mapToLong(AlignedAccumulator::saturations).sum();
    }

    // ---- compilation -------------------------------------------------------------------------------------------

    /**
     * A CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED layer on the int8 kernels; with {@code fused}, it writes the
     * fused ADD's output instead of its own. Pruned channels are then still accumulated (their weights and bias are
     * zero, so the accumulator is 0 and the output is the requantized shortcut) instead of set to the zero point.
     */
    private void compileIntLayer(Op op, ExactOptions options, FusedAdd fused) {
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor w = model.weights(op);
        Op producer = fused == null ? op : fused.add();
        Tensor out = int8Activation(producer, model.output(producer));
        io.bitsweep.eval.model.Activation act = producer.options().activation();
        Tensor shortcut = fused == null ? null : fused.shortcut();
        boolean[] skipped = fused == null ? pruned.get(op.name()) : null;
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(producer, out.index());
        if (op.options() instanceof OpOptions.Conv) {
            ConvGeometry g = windowGeometry(op, in, w);
            checkOutput(op, out, g.outH(), g.outW(), w.dim(0));
            OutputStage stage = stage(op, in, w, out, act, options.gemmRounding(), options, shortcut);
            Int8Conv2d k = new Int8Conv2d(g, w.dim(0), int8Weights(op, w), bias(op), zeroPoint(in), stage, skipped);
            steps.add(() -> k.run(x, y));
        } else if (op.options() instanceof OpOptions.DepthwiseConv o) {
            ConvGeometry g = windowGeometry(op, in, w);
            checkOutput(op, out, g.outH(), g.outW(), w.dim(3));
            OutputStage stage = stage(op, in, w, out, act, options.kernelRounding(), options, shortcut);
            Int8DepthwiseConv2d k = new Int8DepthwiseConv2d(g, o.depthMultiplier(), int8Weights(op, w), bias(op),
                    zeroPoint(in), stage, skipped);
            steps.add(() -> k.run(x, y));
        } else {
            if (in.elementCount() != w.dim(1) || out.elementCount() != w.dim(0)) {
                throw unsupported(op, "only batch 1 is supported (input " + in.describe() + ", weights "
                        + w.describe() + ")");
            }
            OutputStage stage = stage(op, in, w, out, act, options.gemmRounding(), options, shortcut);
            Int8FullyConnected k = new Int8FullyConnected(w.dim(1), w.dim(0), int8Weights(op, w), bias(op),
                    zeroPoint(in), stage, skipped);
            steps.add(() -> k.run(x, y));
        }
    }

    /** A residual ADD fused into the int8 layer {@code layerName} that produces one of its inputs. */
    private void compileFusedAdd(Op add, String layerName, ExactOptions options) {
        Op layer = model.op(layerName).orElseThrow(() -> unsupported(add, "fused layer " + layerName
                + " is not in the model"));
        Tensor a = int8Activation(add, model.input(add, 0));
        Tensor b = int8Activation(add, model.input(add, 1));
        Tensor out = int8Activation(add, model.output(add));
        boolean first = a.index() == layer.output();
        if (!layer.type().isQuantizable() || blockLayers.containsKey(layerName) || (!first && b.index() != layer.output())
                || a.index() == b.index()) {
            throw unsupported(add, "cannot fuse " + layerName + " (allowed: an int8 CONV_2D, DEPTHWISE_CONV_2D or "
                    + "FULLY_CONNECTED producing exactly one of the ADD's inputs)");
        }
        if (layer.options().activation() != io.bitsweep.eval.model.Activation.NONE) {
            throw unsupported(add, "cannot fuse " + layerName + ": its fused activation "
                    + layer.options().activation() + " sits between its accumulator and the ADD (allowed: NONE)");
        }
        Tensor shortcut = first ? b : a;
        if (shortcut.elementCount() != out.elementCount() || model.output(layer).elementCount() != out.elementCount()) {
            throw unsupported(add, "broadcasting ADD is not supported (" + a.describe() + " + " + b.describe() + ")");
        }
        compileIntLayer(layer, options, new FusedAdd(add, shortcut));
    }

    /** A conv, depthwise conv or FC layer on block arithmetic: integer mantissas, aligned accumulator. */
    private void compileBlock(Op op, BlockLayer layer, ExactOptions options) {
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor out = int8Activation(op, model.output(op));
        BlockWeights w = layer.weights();
        BlockInputQuantizer iq = new BlockInputQuantizer(layer.input(), scale(in), zeroPoint(in));
        int segment = Math.min(w.rowLength(), Math.min(iq.blockSize(), w.blockSize()));
        int bits = BlockChannels.sumBits(iq.magnitudeBits(), w.magnitudeBits(), segment);
        if (bits > 63) {
            throw unsupported(op, "an exact block sum of these formats needs " + bits + " bits (allowed: at most 63; "
                    + "mxfp8_e5m2 weights with mxfp8_e5m2 activations are too wide)");
        }
        AlignedAccumulator accumulator = new AlignedAccumulator(options.accumulatorBits());
        blockAccumulators.add(accumulator);
        BlockChannels ch = new BlockChannels(w, iq.operandScale(), layer.bias(), scale(out),
                options.accumulatorBits());
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(op, out.index());
        io.bitsweep.eval.model.Activation act = op.options().activation();
        if (!(op.options() instanceof OpOptions.Conv || op.options() instanceof OpOptions.DepthwiseConv)) {
            if (in.elementCount() != w.rowLength() || out.elementCount() != w.channels()) {
                throw unsupported(op, "only batch 1 is supported (input " + in.describe() + ")");
            }
            ConvGeometry g = ConvGeometry.of(1, 1, w.rowLength(), 1, 1, 1, 1, 1, 1, false);
            OutputStage stage = blockStage(ch, w, out, act, options.gemmRounding());
            BlockConv2d k = new BlockConv2d(g, w, iq, ch, accumulator, stage);
            steps.add(() -> k.run(x, y));
            return;
        }
        ConvGeometry g = windowGeometry(op, in, model.weights(op));
        checkOutput(op, out, g.outH(), g.outW(), w.channels());
        if (op.options() instanceof OpOptions.DepthwiseConv o) {
            BlockDepthwiseConv2d k = new BlockDepthwiseConv2d(g, o.depthMultiplier(), w, iq, ch, accumulator,
                    blockStage(ch, w, out, act, options.kernelRounding()));
            steps.add(() -> k.run(x, y));
        } else {
            BlockConv2d k = new BlockConv2d(g, w, iq, ch, accumulator,
                    blockStage(ch, w, out, act, options.gemmRounding()));
            steps.add(() -> k.run(x, y));
        }
    }

    /** The sliding-window geometry of a CONV_2D or DEPTHWISE_CONV_2D op: input [1,H,W,C], weights [*,kh,kw,*]. */
    private static ConvGeometry windowGeometry(Op op, Tensor in, Tensor w) {
        if (op.options() instanceof OpOptions.Conv o) {
            return ConvGeometry.of(in.dim(1), in.dim(2), in.dim(3), w.dim(1), w.dim(2), o.strideH(), o.strideW(),
                    o.dilationH(), o.dilationW(), o.padding() == io.bitsweep.eval.model.Padding.SAME);
        }
        OpOptions.DepthwiseConv o = (OpOptions.DepthwiseConv) op.options();
        return ConvGeometry.of(in.dim(1), in.dim(2), in.dim(3), w.dim(1), w.dim(2), o.strideH(), o.strideW(),
                o.dilationH(), o.dilationW(), o.padding() == io.bitsweep.eval.model.Padding.SAME);
    }

    /** Requantization of a block layer's accumulator (already saturated to its width, so 32 here). */
    private OutputStage blockStage(BlockChannels ch, BlockWeights w, Tensor out, io.bitsweep.eval.model.Activation act,
            Rounding rounding) {
        int[] range = outputRange(out, act);
        OutputStage stage = new OutputStage(ch.multipliers, w.channels(), zeroPoint(out), range[0], range[1],
                rounding, 32);
        outputStages.add(stage);
        return stage;
    }

    private void compileAdd(Op op) {
        Tensor a = int8Activation(op, model.input(op, 0));
        Tensor b = int8Activation(op, model.input(op, 1));
        Tensor out = int8Activation(op, model.output(op));
        if (a.elementCount() != out.elementCount() || b.elementCount() != out.elementCount()) {
            throw unsupported(op, "broadcasting ADD is not supported (" + a.describe() + " + " + b.describe() + ")");
        }
        Int8Add k = new Int8Add(scale(a), zeroPoint(a), scale(b), zeroPoint(b), scale(out), zeroPoint(out),
                outputRange(out, op.options().activation()));
        byte[] x1 = int8Buffer(op, a.index());
        byte[] x2 = int8Buffer(op, b.index());
        byte[] y = int8Buffer(op, out.index());
        steps.add(() -> k.run(x1, x2, y));
    }

    private void compilePool(Op op) {
        OpOptions.Pool o = (OpOptions.Pool) op.options();
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor out = int8Activation(op, model.output(op));
        if (scale(in) != scale(out) || zeroPoint(in) != zeroPoint(out)) {
            throw unsupported(op, "pooling with different input and output quantization is not supported");
        }
        ConvGeometry g = ConvGeometry.of(in.dim(1), in.dim(2), in.dim(3), o.filterH(), o.filterW(), o.strideH(),
                o.strideW(), 1, 1, o.padding() == io.bitsweep.eval.model.Padding.SAME);
        checkOutput(op, out, g.outH(), g.outW(), in.dim(3));
        int[] range = ActivationRange.int8(o.activation(), scale(out), zeroPoint(out));
        Int8Pool2d k = new Int8Pool2d(op.type() == io.bitsweep.eval.model.OpType.AVERAGE_POOL_2D
                ? Int8Pool2d.Kind.AVERAGE : Int8Pool2d.Kind.MAX, g, range[0], range[1]);
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(op, out.index());
        steps.add(() -> k.run(x, y));
    }

    private void compileSoftmax(Op op) {
        OpOptions.Softmax o = (OpOptions.Softmax) op.options();
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor out = int8Activation(op, model.output(op));
        Int8Softmax k = new Int8Softmax(scale(in), o.beta(), scale(out), zeroPoint(out), in.dim(-1));
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(op, out.index());
        steps.add(() -> k.run(x, y));
    }

    private void compileRequantize(Op op, ExactOptions options) {
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor out = int8Activation(op, model.output(op));
        QuantizedMultiplier m = QuantizedMultiplier.of((double) scale(in) / scale(out));
        int inZp = zeroPoint(in);
        int outZp = zeroPoint(out);
        Rounding r = options.kernelRounding();
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(op, out.index());
        steps.add(() -> {
            for (int i = 0; i < x.length; i++) {
                int v = r.apply(x[i] - inZp, m.multiplier(), m.shift()) + outZp;
                y[i] = (byte) Math.max(-128, Math.min(127, v));
            }
        });
    }

    /**
     * Per-channel requantization: effective scale {@code in_scale * w_scale[c] / out_scale}, computed in double.
     * With a {@code shortcut} (a fused residual ADD, else null), its codes are added into the accumulators first,
     * rescaled by {@code shortcut_scale / (in_scale * w_scale[c])}, also computed in double.
     */
    private OutputStage stage(Op op, Tensor in, Tensor w, Tensor out, io.bitsweep.eval.model.Activation act,
            Rounding rounding, ExactOptions options, Tensor shortcut) {
        QuantParams wq = quant(w, op.name() + " weights");
        int channels = model.outputChannels(op);
        if (wq.isPerChannel() && wq.count() != channels) {
            throw unsupported(op, "weights have " + wq.count() + " scales for " + channels + " output channels");
        }
        QuantizedMultiplier[] m = new QuantizedMultiplier[wq.isPerChannel() ? channels : 1];
        for (int c = 0; c < m.length; c++) {
            if (wq.zeroPoint(c) != 0) {
                throw unsupported(op, "weights must be symmetric (zero point 0), channel " + c + " has "
                        + wq.zeroPoint(c));
            }
            m[c] = QuantizedMultiplier.of((double) scale(in) * (double) wq.scale(c) / (double) scale(out));
        }
        ResidualInput residual = null;
        if (shortcut != null) {
            QuantizedMultiplier[] toAcc = new QuantizedMultiplier[channels];
            for (int c = 0; c < channels; c++) {
                double accScale = (double) scale(in) * (double) wq.scale(wq.isPerChannel() ? c : 0);
                toAcc[c] = QuantizedMultiplier.of((double) scale(shortcut) / accScale);
            }
            residual = new ResidualInput(int8Buffer(op, shortcut.index()), zeroPoint(shortcut), toAcc);
        }
        int[] range = outputRange(out, act);
        OutputStage stage = new OutputStage(m, channels, zeroPoint(out), range[0], range[1], rounding,
                options.accumulatorBits(), residual);
        outputStages.add(stage);
        return stage;
    }

    /** The fused activation's clamp, narrowed to the tensor's code range if it has one. */
    private int[] outputRange(Tensor out, io.bitsweep.eval.model.Activation act) {
        int[] r = ActivationRange.int8(act, scale(out), zeroPoint(out));
        int[] code = codeRanges.get(out.index());
        return code == null ? r : new int[] {Math.max(r[0], code[0]), Math.min(r[1], code[1])};
    }

    private int[] bias(Op op) {
        return model.bias(op).map(b -> {
            if (b.dtype() != DType.INT32) {
                throw unsupported(op, "bias must be int32, got " + b.dtype().label());
            }
            return b.int32s();
        }).orElse(null);
    }

    private byte[] int8Weights(Op op, Tensor w) {
        if (w.dtype() != DType.INT8 || !w.isConstant()) {
            throw unsupported(op, "weights must be constant int8, got " + w.describe());
        }
        return w.int8s();
    }

    private Tensor int8Activation(Op op, Tensor t) {
        if (t.dtype() != DType.INT8) {
            throw unsupported(op, "tensor " + t.name() + " is " + t.dtype().label()
                    + "; the exact engine runs int8 models as is (use --assignment or --uniform for float models)");
        }
        QuantParams q = quant(t, op.name() + " tensor " + t.name());
        if (q.isPerChannel()) {
            throw unsupported(op, "per-channel activation quantization is not supported (" + t.name() + ")");
        }
        return t;
    }

    private void checkOutput(Op op, Tensor out, int h, int w, int c) {
        if (out.rank() != 4 || out.dim(1) != h || out.dim(2) != w || out.dim(3) != c) {
            throw unsupported(op, "output " + out.describe() + " does not match the computed shape [1," + h + ","
                    + w + "," + c + "]");
        }
    }

    private byte[] int8Buffer(Op op, int tensor) {
        if (buffers[tensor] == null) {
            buffers[tensor] = new byte[(int) model.tensor(tensor).elementCount()];
        }
        return buffers[tensor];
    }

    private QuantParams quant(Tensor t, String what) {
        return t.quant().orElseThrow(() -> new BitSweepException(model.source() + ": " + what
                + " has no quantization parameters"));
    }

    private static float scale(Tensor t) {
        return t.quant().orElseThrow().scale(0);
    }

    private static int zeroPoint(Tensor t) {
        return (int) t.quant().orElseThrow().zeroPoint(0);
    }

    private BitSweepException unsupported(Op op, String why) {
        return new BitSweepException(model.source() + ": layer " + op.name() + " (" + op.type() + "): " + why);
    }
}
