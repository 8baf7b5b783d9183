package io.bitsweep.eval.engine.fp;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.ElementGeometry;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Model} in float32. Compiling allocates one buffer per activation tensor (RESHAPE aliases its input),
 * re-lays out the weights and builds one {@link Kernel} per op; {@link #predict} then allocates nothing.
 *
 * <p>Float models run as TFLite's float kernels do. Quantized tensors of an int8 model are handled in the float
 * domain: constants are dequantized, and every int8/uint8 activation (the model input, each op output, QUANTIZE) is
 * rounded to its quantization grid, which simulates the int8 model closely but not bit-exactly.
 */
public final class FloatEngine implements Predictor {
    private final Model model;
    private final float[][] buffers;
    private final List<Kernel> kernels = new ArrayList<>();
    private final float[] input;
    private final float[] output;

    private FloatEngine(Model model) {
        this.model = model;
        this.buffers = new float[model.tensors().size()][];
        this.input = buffer(model.input().index());
        if (model.inputIndices().length != 1 || model.outputIndices().length != 1) {
            throw new BitSweepException("model " + model.source() + " has " + model.inputIndices().length
                    + " inputs and " + model.outputIndices().length + " outputs (the float engine supports 1 and 1)");
        }
        Kernel inputGrid = gridKernel(model.input(), input, input);
        if (inputGrid != null) {
            kernels.add(inputGrid);
        }
        for (Op op : model.ops()) {
            compile(op);
        }
        this.output = buffer(model.output().index());
    }

    /** Compiles a model; the result is a {@link Predictor} for one thread. */
    public static FloatEngine compile(Model model) {
        return new FloatEngine(model);
    }

    public Model model() {
        return model;
    }

    @Override
    public int outputSize() {
        return output.length;
    }

    /** Floats in one input. */
    public int inputSize() {
        return input.length;
    }

    @Override
    public void predict(float[] in, float[] out) {
        if (in.length != input.length || out.length != output.length) {
            throw new IllegalArgumentException("model " + model.source() + " takes " + input.length
                    + " inputs and gives " + output.length + " outputs, got arrays of " + in.length + " and " + out.length);
        }
        System.arraycopy(in, 0, input, 0, in.length);
        for (Kernel k : kernels) {
            k.run();
        }
        System.arraycopy(output, 0, out, 0, out.length);
    }

    @Override
    public void close() {}

    /**
     * The values of tensor {@code index} after the last {@link #predict}: an activation, or a constant's data. The
     * array is the engine's own buffer; read it, don't keep it. (Calibration observes activations through this.)
     */
    public float[] tensorValues(int index) {
        return buffer(index);
    }

    private float[] buffer(int tensor) {
        if (buffers[tensor] == null) {
            Tensor t = model.tensor(tensor);
            buffers[tensor] = t.isConstant() ? t.dequantize() : new float[(int) t.elementCount()];
        }
        return buffers[tensor];
    }

    private float[] constant(int tensor) {
        return tensor == Op.ABSENT ? null : model.tensor(tensor).dequantize();
    }

    private void compile(Op op) {
        Tensor inT = model.input(op, 0);
        Tensor outT = model.output(op);
        float[] in = buffer(inT.index());
        if (op.type() == OpType.RESHAPE) {
            buffers[outT.index()] = in; // same NHWC-flattened data, new shape
            return;
        }
        float[] out = buffer(outT.index());
        kernels.add(switch (op.type()) {
            case CONV_2D -> {
                OpOptions.Conv o = (OpOptions.Conv) op.options();
                Tensor w = model.weights(op);
                ConvGeometry g = ConvGeometry.of(inT, w.dim(1), w.dim(2), o.strideH(), o.strideW(), o.dilationH(),
                        o.dilationW(), o.padding());
                yield new Conv2dKernel(in, out, w.dequantize(), constant(op.input(2)), g, inT.dim(3), w.dim(0),
                        o.activation());
            }
            case DEPTHWISE_CONV_2D -> {
                OpOptions.DepthwiseConv o = (OpOptions.DepthwiseConv) op.options();
                Tensor w = model.weights(op);
                ConvGeometry g = ConvGeometry.of(inT, w.dim(1), w.dim(2), o.strideH(), o.strideW(), o.dilationH(),
                        o.dilationW(), o.padding());
                yield new DepthwiseConv2dKernel(in, out, w.dequantize(), constant(op.input(2)), g, inT.dim(3),
                        w.dim(3), o.activation());
            }
            case FULLY_CONNECTED -> {
                Tensor w = model.weights(op);
                int inDim = w.dim(1);
                yield new FullyConnectedKernel(in, out, w.dequantize(), constant(op.input(2)),
                        (int) (inT.elementCount() / inDim), inDim, w.dim(0), op.options().activation());
            }
            case AVERAGE_POOL_2D, MAX_POOL_2D -> {
                OpOptions.Pool o = (OpOptions.Pool) op.options();
                ConvGeometry g = ConvGeometry.of(inT, o.filterH(), o.filterW(), o.strideH(), o.strideW(), 1, 1,
                        o.padding());
                yield new PoolKernel(in, out, g, inT.dim(3),
                        op.type() == OpType.AVERAGE_POOL_2D, o.activation());
            }
            case ADD -> ElementwiseKernels.add(in, buffer(op.input(1)), out, op.options().activation());
            case MUL -> {
                Tensor b = model.input(op, 1);
                yield ElementwiseKernels.mul(in, ElementGeometry.broadcastStrides(inT.shape(), outT.shape()),
                        buffer(b.index()), ElementGeometry.broadcastStrides(b.shape(), outT.shape()), out,
                        ElementGeometry.dims4(outT.shape()), op.options().activation());
            }
            case HARD_SWISH -> ElementwiseKernels.hardSwish(in, out);
            case LOGISTIC -> ElementwiseKernels.logistic(in, out);
            case MEAN -> LayoutKernels.mean(in, inT.shape(), ((OpOptions.Mean) op.options()).axes(), out);
            case PAD -> LayoutKernels.pad(in, inT.shape(), ((OpOptions.Pad) op.options()).before(), out,
                    outT.shape());
            case CONCATENATION -> {
                OpOptions.Concatenation o = (OpOptions.Concatenation) op.options();
                if (o.activation() != Activation.NONE) {
                    throw new BitSweepException("model " + model.source() + " layer " + op.name()
                            + ": CONCATENATION with fused activation " + o.activation() + " (supported: NONE)");
                }
                float[][] ins = new float[op.inputCount()][];
                int[][] shapes = new int[op.inputCount()][];
                for (int i = 0; i < ins.length; i++) {
                    ins[i] = buffer(op.input(i));
                    shapes[i] = model.tensor(op.input(i)).shape();
                }
                yield LayoutKernels.concatenation(ins, shapes, o.axis(), out);
            }
            case SOFTMAX -> ElementwiseKernels.softmax(in, out, inT.dim(-1), ((OpOptions.Softmax) op.options()).beta());
            case QUANTIZE, DEQUANTIZE -> ElementwiseKernels.copy(in, out);
            case RESHAPE -> throw new AssertionError("aliased above");
        });
        Kernel grid = gridKernel(outT, out, out);
        if (grid != null) {
            kernels.add(grid);
        }
    }

    /** Rounding to the int8/uint8 grid of a quantized activation, or null for float tensors. */
    private static Kernel gridKernel(Tensor t, float[] in, float[] out) {
        if (t.quant().isEmpty() || t.quant().get().isPerChannel()) {
            return null;
        }
        return switch (t.dtype()) {
            case INT8 -> ElementwiseKernels.roundToGrid(in, out, t.quant().get(), -128, 127);
            case UINT8 -> ElementwiseKernels.roundToGrid(in, out, t.quant().get(), 0, 255);
            case INT16 -> ElementwiseKernels.roundToGrid(in, out, t.quant().get(), -32768, 32767);
            default -> null;
        };
    }

}
