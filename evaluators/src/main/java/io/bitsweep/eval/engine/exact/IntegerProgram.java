package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link ProgramSpec} compiled into the exact engine's integer kernels: int8 convolutions, depthwise convolutions
 * and fully connected layers (with pruned channels and narrow code ranges), layers on block arithmetic, residual
 * ADDs fused into the accumulator of the layer feeding them, and TFLite's int8 ADD, pooling, softmax and
 * requantization. The weights are laid out once and there is one byte buffer per activation tensor (RESHAPE aliases
 * its input's buffer), holding a batch: up to {@link #batchCapacity()} samples run through each layer together,
 * sample after sample in each buffer, so every layer's weights are reused across the batch. A batch gives every
 * sample exactly the bytes it gets alone. Not thread-safe (it owns its buffers and kernel scratch). A float model
 * input or output is supported through a QUANTIZE / DEQUANTIZE op at the edge, which the caller's
 * {@link #quantizeInput} / {@link #dequantizeOutput} do.
 */
public final class IntegerProgram {
    /** One compiled op, run on the first {@code n} samples of the buffers. */
    interface Step {
        void run(int n);
    }

    private final ProgramSpec spec;
    private final Model model;
    private final byte[][] buffers;
    private final List<Step> steps = new ArrayList<>();
    private final List<OutputStage> outputStages = new ArrayList<>();
    private final Tensor input;
    private final Tensor output;
    private final int int8Input;
    private final int int8Output;
    private final int capacity;
    /** The float input widened to double, for its quantization. */
    private double[] inputScratch = new double[0];

    private final ActivationStatistics statistics;
    private final List<AlignedAccumulator> blockAccumulators = new ArrayList<>();

    /**
     * A residual ADD fused into the layer feeding it: the layer writes the ADD's output, with the ADD's fused
     * activation, and adds {@code shortcut} (the ADD's other input) into its accumulators.
     */
    private record FusedAdd(Op add, Tensor shortcut) {}

    /** An activation tensor in a block layer's input format (null: the integer operand {@code q - zp}). */
    private record BlockOperand(int tensor, BlockFormat format) {}

    /** The native block inputs that several block convs read, each quantized once per batch by its own step. */
    private final Map<BlockOperand, NativeBlockInput> sharedBlockInputs;
    private final Set<NativeBlockInput> quantizedByStep = new HashSet<>();
    /** The unfused ADDs, as compiled. */
    private final List<Int8Add> adds = new ArrayList<>();

    /** An int8 model as it is. */
    public IntegerProgram(Model model, ExactOptions options) {
        this(ProgramSpec.of(model, options));
    }

    public IntegerProgram(ProgramSpec spec) {
        this.spec = spec;
        this.model = spec.model();
        ExactOptions options = spec.options();
        this.capacity = options.batchSize();
        this.statistics = options.statistics() ? new ActivationStatistics() : null;
        this.buffers = new byte[model.tensors().size()][];
        this.input = model.input();
        this.output = model.output();
        int qin = input.index();
        int qout = output.index();
        Set<String> fusedLayers = spec.fusedLayers();
        Int8ElementOps elementOps = new Int8ElementOps(this, options);
        this.sharedBlockInputs = findSharedBlockInputs(options);
        for (Op op : model.ops()) {
            if (fusedLayers.contains(op.name())) {
                continue; // compiled at its ADD, which may read a shortcut computed after this layer's own place
            }
            switch (op.type()) {
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> {
                    BlockLayer block = spec.op(op.name()).block();
                    if (block != null) {
                        compileBlock(op, block, options);
                    } else {
                        compileIntLayer(op, options, null);
                    }
                }
                case ADD -> {
                    String fused = spec.op(op.name()).fusedLayer();
                    if (fused != null) {
                        compileFusedAdd(op, fused, options);
                    } else {
                        compileAdd(op, options.kernels());
                    }
                }
                case AVERAGE_POOL_2D, MAX_POOL_2D -> compilePool(op);
                case RESHAPE -> buffers[op.output()] = int8Buffer(op, op.input(0));
                case SOFTMAX -> compileSoftmax(op, options.arithmetic());
                case MUL, HARD_SWISH, LOGISTIC, MEAN, PAD, CONCATENATION -> steps.add(elementOps.compile(op));
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
            if (statistics != null && (op.type().isQuantizable() || op.type() == OpType.ADD)) {
                byte[] y = buffers[op.output()];
                int zp = zeroPoint(model.output(op));
                int size = elements(model.output(op));
                String name = op.name();
                steps.add(n -> {
                    for (int i = 0; i < n; i++) {
                        statistics.observe(name, y, i * size, size, zp);
                    }
                });
            }
        }
        this.int8Input = qin;
        this.int8Output = qout;
        if (buffers[int8Input] == null) {
            buffers[int8Input] = new byte[capacity * elements(model.tensor(int8Input))];
        }
    }

    /** What this program was compiled from. */
    public ProgramSpec spec() {
        return spec;
    }

    public Model model() {
        return model;
    }

    /** Bytes of one sample's int8 input tensor (after the input QUANTIZE, if the model has one). */
    public int inputBytes() {
        return elements(model.tensor(int8Input));
    }

    /** Bytes of one sample's int8 output tensor (before the output DEQUANTIZE, if the model has one). */
    public int outputBytes() {
        return elements(model.tensor(int8Output));
    }

    /** Samples one {@link #run(byte[], int)} takes at most ({@link ExactOptions#batchSize()}). */
    public int batchCapacity() {
        return capacity;
    }

    /** Runs the int8 graph on one sample's raw int8 input bytes; returns its output bytes (valid until the next run). */
    public byte[] run(byte[] int8In) {
        run(int8In, 1);
        return java.util.Arrays.copyOf(buffers[int8Output], outputBytes());
    }

    /**
     * Runs {@code n} samples (at most {@link #batchCapacity()}): their raw int8 inputs one after the other in
     * {@code int8In}; returns the output buffer, sample i's bytes at {@code i * outputBytes()} (valid until the next
     * run; the program's own array, do not write it).
     */
    public byte[] run(byte[] int8In, int n) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("batch of " + n + " samples (allowed: 1.." + capacity + ")");
        }
        System.arraycopy(int8In, 0, buffers[int8Input], 0, n * inputBytes());
        for (Step s : steps) {
            s.run(n);
        }
        return buffers[int8Output];
    }

    /**
     * Every tensor's int8 bytes of sample {@code sample} of the last run, as copies (null for tensors without a
     * buffer, e.g. the output of a layer fused into a residual ADD); for bit-exactness tests.
     */
    public byte[][] tensorBuffers(int sample) {
        byte[][] out = new byte[buffers.length][];
        for (int t = 0; t < buffers.length; t++) {
            if (buffers[t] != null) {
                int size = elements(model.tensor(t));
                out[t] = java.util.Arrays.copyOfRange(buffers[t], sample * size, (sample + 1) * size);
            }
        }
        return out;
    }

    /** {@link #tensorBuffers(int)} of the first sample: after a one-sample run, that sample's every tensor. */
    public byte[][] tensorBuffers() {
        return tensorBuffers(0);
    }

    /** Quantizes a float input with the int8 input tensor's parameters (TFLite's AffineQuantize) into {@code q[at..]}. */
    public void quantizeInput(float[] x, byte[] q, int at) {
        QuantParams p = quant(model.tensor(int8Input), "model input");
        if (inputScratch.length < x.length) {
            inputScratch = new double[x.length];
        }
        Int8Quantization.quantize(x, p.scale(0), (int) p.zeroPoint(0), q, at, inputScratch);
    }

    /** The model input's quantization parameters, exactly ({@link #quantizeInput} depends on nothing else). */
    public String inputQuantization() {
        QuantParams p = quant(model.tensor(int8Input), "model input");
        return Integer.toHexString(Float.floatToIntBits(p.scale(0))) + "/" + p.zeroPoint(0);
    }

    /** Quantizes a float input into {@code q[0..]}. */
    public void quantizeInput(float[] x, byte[] q) {
        quantizeInput(x, q, 0);
    }

    /** Dequantizes int8 output bytes {@code q[at..at + y.length)} with the int8 output tensor's parameters. */
    public void dequantizeOutput(byte[] q, int at, float[] y) {
        QuantParams p = quant(model.tensor(int8Output), "model output");
        Int8Quantization.dequantize(q, at, p.scale(0), (int) p.zeroPoint(0), y);
    }

    /** Activation statistics of the runs so far, or null if {@link ExactOptions#statistics()} was off. */
    public ActivationStatistics statistics() {
        return statistics;
    }

    /** Block conv inputs quantized once per batch for two or more native convs; for tests. */
    int sharedBlockInputs() {
        return (int) sharedBlockInputs.values().stream().filter(NativeBlockInput::hasReaders).count();
    }

    /** The unfused ADDs that run on the native kernel, and all of them: {@code {native, all}}; for tests. */
    int[] nativeAdds() {
        return new int[] {(int) adds.stream().filter(Int8Add::runsNatively).count(), adds.size()};
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
        int[] range = outputRange(producer, out, producer.options().activation());
        Tensor shortcut = fused == null ? null : fused.shortcut();
        boolean[] skipped = fused == null ? spec.op(op.name()).pruned() : null;
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(producer, out.index());
        if (op.options() instanceof OpOptions.DepthwiseConv o) {
            ConvGeometry g = windowGeometry(op, in, w);
            checkOutput(op, out, g.outH(), g.outW(), w.dim(3));
            OutputStage stage = stage(op, in, w, out, range, options.kernelRounding(), options, shortcut);
            Int8DepthwiseConv2d k = new Int8DepthwiseConv2d(g, o.depthMultiplier(), int8Weights(op, w), bias(op),
                    zeroPoint(in), stage, skipped, options.kernels(), capacity);
            steps.add(n -> k.run(x, y, n));
            return;
        }
        ConvGeometry g;
        RequantRounding rounding;
        if (op.options() instanceof OpOptions.Conv) {
            g = windowGeometry(op, in, w);
            checkOutput(op, out, g.outH(), g.outW(), w.dim(0));
            rounding = options.convRounding();
        } else {
            if (in.elementCount() != w.dim(1) || out.elementCount() != w.dim(0)) {
                throw unsupported(op, "only batch 1 is supported (input " + in.describe() + ", weights "
                        + w.describe() + ")");
            }
            g = pointGeometry(w.dim(1)); // a fully connected layer is a 1x1 conv over a 1x1 image
            rounding = options.fullyConnectedRounding();
        }
        OutputStage stage = stage(op, in, w, out, range, rounding, options, shortcut);
        Int8Conv2d k = new Int8Conv2d(g, w.dim(0), int8Weights(op, w), bias(op), zeroPoint(in), stage, skipped,
                options.kernels(), capacity);
        steps.add(n -> k.run(x, y, n));
    }

    /** A residual ADD fused into the int8 layer {@code layerName} that produces one of its inputs. */
    private void compileFusedAdd(Op add, String layerName, ExactOptions options) {
        Op layer = model.op(layerName).orElseThrow(() -> unsupported(add, "fused layer " + layerName
                + " is not in the model"));
        Tensor a = int8Activation(add, model.input(add, 0));
        Tensor b = int8Activation(add, model.input(add, 1));
        Tensor out = int8Activation(add, model.output(add));
        boolean first = a.index() == layer.output();
        if (!layer.type().isQuantizable() || spec.op(layerName).block() != null || (!first && b.index() != layer.output())
                || a.index() == b.index()) {
            throw unsupported(add, "cannot fuse " + layerName + " (allowed: an int8 CONV_2D, DEPTHWISE_CONV_2D or "
                    + "FULLY_CONNECTED producing exactly one of the ADD's inputs)");
        }
        if (layer.options().activation() != Activation.NONE) {
            throw unsupported(add, "cannot fuse " + layerName + ": its fused activation "
                    + layer.options().activation() + " sits between its accumulator and the ADD (allowed: NONE)");
        }
        Tensor shortcut = first ? b : a;
        if (shortcut.elementCount() != out.elementCount() || model.output(layer).elementCount() != out.elementCount()) {
            throw unsupported(add, "broadcasting ADD is not supported (" + a.describe() + " + " + b.describe() + ")");
        }
        compileIntLayer(layer, options, new FusedAdd(add, shortcut));
    }

    /**
     * The native operands of the block convs that read the same int8 tensor in the same input format, where two or
     * more do (ResNet's downsampling 3x3 conv and 1x1 shortcut): quantizing them once per batch saves the others'
     * quantization. Empty without native kernels.
     */
    private Map<BlockOperand, NativeBlockInput> findSharedBlockInputs(ExactOptions options) {
        Map<BlockOperand, NativeBlockInput> shared = new HashMap<>();
        if (!NativeKernels.use(options.kernels())) {
            return shared;
        }
        Map<BlockOperand, List<ConvGeometry>> readers = new LinkedHashMap<>();
        for (Op op : model.ops()) {
            BlockLayer block = op.type() == OpType.CONV_2D ? spec.op(op.name()).block() : null;
            Tensor in = model.input(op, 0);
            if (block == null || in.dtype() != DType.INT8 || in.quant().isEmpty()) {
                continue;
            }
            readers.computeIfAbsent(new BlockOperand(in.index(), block.input()), k -> new ArrayList<>())
                    .add(windowGeometry(op, in, model.weights(op)));
        }
        readers.forEach((operand, windows) -> {
            if (windows.size() > 1) {
                Tensor in = model.tensor(operand.tensor());
                NativeBlockInput input = NativeBlockInput.of(new BlockInputQuantizer(operand.format(), scale(in),
                        zeroPoint(in)), windows, capacity);
                if (input != null) {
                    shared.put(operand, input);
                }
            }
        });
        return shared;
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
        if (!(op.options() instanceof OpOptions.Conv || op.options() instanceof OpOptions.DepthwiseConv)) {
            if (in.elementCount() != w.rowLength() || out.elementCount() != w.channels()) {
                throw unsupported(op, "only batch 1 is supported (input " + in.describe() + ")");
            }
            OutputStage stage = blockStage(ch, w, op, out, options.fullyConnectedRounding());
            BlockConv2d k = new BlockConv2d(pointGeometry(w.rowLength()), w, iq, ch, accumulator, stage,
                    options.kernels(), capacity);
            steps.add(n -> k.run(x, y, n));
            return;
        }
        ConvGeometry g = windowGeometry(op, in, model.weights(op));
        checkOutput(op, out, g.outH(), g.outW(), w.channels());
        if (op.options() instanceof OpOptions.DepthwiseConv o) {
            BlockDepthwiseConv2d k = new BlockDepthwiseConv2d(g, o.depthMultiplier(), w, iq, ch, accumulator,
                    blockStage(ch, w, op, out, options.kernelRounding()));
            steps.add(n -> k.run(x, y, n));
        } else {
            NativeBlockInput shared = sharedBlockInputs.get(new BlockOperand(in.index(), layer.input()));
            if (shared != null && quantizedByStep.add(shared)) {
                steps.add(n -> {
                    if (shared.hasReaders()) { // some reader runs natively
                        shared.quantize(x, 0, n);
                    }
                });
            }
            BlockConv2d k = new BlockConv2d(g, w, iq, shared, ch, accumulator,
                    blockStage(ch, w, op, out, options.convRounding()), options.kernels(), capacity);
            steps.add(n -> k.run(x, y, n));
        }
    }

    /** A fully connected layer's inputs as one pixel of {@code inputs} channels, under a 1x1 kernel. */
    private static ConvGeometry pointGeometry(int inputs) {
        return ConvGeometry.of(1, 1, inputs, 1, 1, 1, 1, 1, 1, Padding.VALID);
    }

    /** The sliding-window geometry of a CONV_2D or DEPTHWISE_CONV_2D op: input [1,H,W,C], weights [*,kh,kw,*]. */
    private static ConvGeometry windowGeometry(Op op, Tensor in, Tensor w) {
        if (op.options() instanceof OpOptions.Conv o) {
            return ConvGeometry.of(in, w.dim(1), w.dim(2), o.strideH(), o.strideW(), o.dilationH(), o.dilationW(),
                    o.padding());
        }
        OpOptions.DepthwiseConv o = (OpOptions.DepthwiseConv) op.options();
        return ConvGeometry.of(in, w.dim(1), w.dim(2), o.strideH(), o.strideW(), o.dilationH(), o.dilationW(),
                o.padding());
    }

    /** Requantization of a block layer's accumulator (already saturated to its width, so 32 here). */
    private OutputStage blockStage(BlockChannels ch, BlockWeights w, Op op, Tensor out,
            RequantRounding rounding) {
        int[] range = outputRange(op, out, op.options().activation());
        OutputStage stage = new OutputStage(ch.multipliers, w.channels(), zeroPoint(out), range[0], range[1],
                rounding, 32);
        outputStages.add(stage);
        return stage;
    }

    private void compileAdd(Op op, Kernels kernels) {
        Tensor a = int8Activation(op, model.input(op, 0));
        Tensor b = int8Activation(op, model.input(op, 1));
        Tensor out = int8Activation(op, model.output(op));
        if (a.elementCount() != out.elementCount() || b.elementCount() != out.elementCount()) {
            throw unsupported(op, "broadcasting ADD is not supported (" + a.describe() + " + " + b.describe() + ")");
        }
        Int8Add k = new Int8Add(scale(a), zeroPoint(a), scale(b), zeroPoint(b), scale(out), zeroPoint(out),
                outputRange(op, out, op.options().activation()), kernels);
        adds.add(k);
        byte[] x1 = int8Buffer(op, a.index());
        byte[] x2 = int8Buffer(op, b.index());
        byte[] y = int8Buffer(op, out.index());
        int size = elements(out);
        steps.add(n -> k.run(x1, x2, y, n * size));
    }

    private void compilePool(Op op) {
        OpOptions.Pool o = (OpOptions.Pool) op.options();
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor out = int8Activation(op, model.output(op));
        if (scale(in) != scale(out) || zeroPoint(in) != zeroPoint(out)) {
            throw unsupported(op, "pooling with different input and output quantization is not supported");
        }
        ConvGeometry g = ConvGeometry.of(in, o.filterH(), o.filterW(), o.strideH(), o.strideW(), 1, 1, o.padding());
        checkOutput(op, out, g.outH(), g.outW(), in.dim(3));
        int[] range = ActivationRange.int8(o.activation(), scale(out), zeroPoint(out));
        Int8Pool2d k = new Int8Pool2d(op.type() == OpType.AVERAGE_POOL_2D
                ? Int8Pool2d.Kind.AVERAGE : Int8Pool2d.Kind.MAX, g, range[0], range[1]);
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(op, out.index());
        steps.add(n -> k.run(x, y, n));
    }

    /**
     * SOFTMAX as the profile computes it: TFLite 2.6's float table, or the reference kernels' fixed point, which
     * writes probabilities at scale 1/256 and zero point -128 whatever the output tensor says (TFLite checks this).
     */
    private void compileSoftmax(Op op, Arithmetic arithmetic) {
        OpOptions.Softmax o = (OpOptions.Softmax) op.options();
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor out = int8Activation(op, model.output(op));
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(op, out.index());
        int size = elements(in);
        if (arithmetic == Arithmetic.TFLITE_2_6) {
            Int8Softmax k = new Int8Softmax(scale(in), o.beta(), scale(out), zeroPoint(out), in.dim(-1));
            steps.add(n -> k.run(x, y, n * size));
            return;
        }
        if (scale(out) != 1f / 256 || zeroPoint(out) != -128) {
            throw unsupported(op, "under tflite-micro the output must have scale 1/256 and zero point -128 (the "
                    + "reference softmax writes those), it has " + scale(out) + " and " + zeroPoint(out));
        }
        try {
            Int8FixedPointSoftmax k = new Int8FixedPointSoftmax(scale(in), o.beta(), in.dim(-1));
            steps.add(n -> k.run(x, y, n * size));
        } catch (BitSweepException e) {
            throw unsupported(op, e.getMessage());
        }
    }

    private void compileRequantize(Op op, ExactOptions options) {
        Tensor in = int8Activation(op, model.input(op, 0));
        Tensor out = int8Activation(op, model.output(op));
        QuantizedMultiplier m = QuantizedMultiplier.of((double) scale(in) / scale(out));
        int inZp = zeroPoint(in);
        int outZp = zeroPoint(out);
        RequantRounding r = options.kernelRounding();
        byte[] x = int8Buffer(op, in.index());
        byte[] y = int8Buffer(op, out.index());
        int size = elements(in);
        steps.add(n -> {
            for (int i = 0; i < n * size; i++) {
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
    private OutputStage stage(Op op, Tensor in, Tensor w, Tensor out, int[] range,
            RequantRounding rounding, ExactOptions options, Tensor shortcut) {
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
        
        OutputStage stage = new OutputStage(m, channels, zeroPoint(out), range[0], range[1], rounding,
                options.accumulatorBits(), residual);
        outputStages.add(stage);
        return stage;
    }

    /** The fused activation's clamp, narrowed to the code range of the producer's output format if it has one. */
    int[] outputRange(Op producer, Tensor out, Activation act) {
        int[] r = ActivationRange.int8(act, scale(out), zeroPoint(out));
        ProgramSpec.CodeRange code = spec.op(producer.name()).outputCodes();
        return code == null ? r : new int[] {Math.max(r[0], code.min()), Math.min(r[1], code.max())};
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

    Tensor int8Activation(Op op, Tensor t) {
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

    /** The tensor's buffer: room for a batch of {@link #capacity} samples. */
    private byte[] int8Buffer(Op op, int tensor) {
        return int8Buffer(tensor);
    }

    /** The int8 buffer of a tensor, made on first use. */
    byte[] int8Buffer(int tensor) {
        if (buffers[tensor] == null) {
            buffers[tensor] = new byte[capacity * elements(model.tensor(tensor))];
        }
        return buffers[tensor];
    }

    /** Elements of one sample of a tensor. */
    private static int elements(Tensor t) {
        return (int) t.elementCount();
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

    BitSweepException unsupported(Op op, String why) {
        return new BitSweepException(model.source() + ": layer " + op.name() + " (" + op.type() + "): " + why);
    }
}
