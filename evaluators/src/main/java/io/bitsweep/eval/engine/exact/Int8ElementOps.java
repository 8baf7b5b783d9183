package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.Tensor;

/**
 * Compiles the int8 element ops of ImageNet-class networks for {@link IntegerProgram}: MUL, HARD_SWISH, LOGISTIC,
 * MEAN, PAD and CONCATENATION, each as TFLite 2.6's int8 kernel computes it (see the kernel classes). Kept apart from
 * the layer kernels so that each op is one small compile method.
 */
final class Int8ElementOps {
    private final IntegerProgram program;
    private final Model model;
    private final ExactOptions options;

    Int8ElementOps(IntegerProgram program, ExactOptions options) {
        this.program = program;
        this.model = program.model();
        this.options = options;
    }

    IntegerProgram.Step compile(Op op) {
        return switch (op.type()) {
            case MUL -> mul(op);
            case HARD_SWISH -> hardSwish(op);
            case LOGISTIC -> logistic(op);
            case MEAN -> mean(op);
            case PAD -> pad(op);
            case CONCATENATION -> concatenation(op);
            default -> throw new IllegalArgumentException(op + " is not an element op");
        };
    }

    private IntegerProgram.Step mul(Op op) {
        Tensor a = program.int8Activation(op, model.input(op, 0));
        Tensor b = program.int8Activation(op, model.input(op, 1));
        Tensor out = program.int8Activation(op, model.output(op));
        Int8Mul k = new Int8Mul(a.shape(), scale(a), zeroPoint(a), b.shape(), scale(b), zeroPoint(b), out.shape(),
                scale(out), zeroPoint(out), program.outputRange(op, out, op.options().activation()),
                options.kernelRounding());
        byte[] x1 = operand(op, a);
        byte[] x2 = operand(op, b);
        byte[] y = program.int8Buffer(out.index());
        int aSize = sampleStride(a);
        int bSize = sampleStride(b);
        int size = elements(out);
        return n -> {
            for (int i = 0; i < n; i++) {
                k.run(x1, i * aSize, x2, i * bSize, y, i * size);
            }
        };
    }

    private IntegerProgram.Step hardSwish(Op op) {
        Tensor in = program.int8Activation(op, model.input(op, 0));
        Tensor out = program.int8Activation(op, model.output(op));
        Int8HardSwish k;
        try {
            k = new Int8HardSwish(scale(in), zeroPoint(in), scale(out), zeroPoint(out));
        } catch (IllegalArgumentException e) {
            throw program.unsupported(op, e.getMessage());
        }
        byte[] x = program.int8Buffer(in.index());
        byte[] y = program.int8Buffer(out.index());
        int size = elements(in);
        return n -> k.run(x, y, n * size);
    }

    private IntegerProgram.Step logistic(Op op) {
        Tensor in = program.int8Activation(op, model.input(op, 0));
        Tensor out = program.int8Activation(op, model.output(op));
        Int8Lookup k = Int8Lookup.logistic(scale(in), zeroPoint(in), scale(out), zeroPoint(out));
        byte[] x = program.int8Buffer(in.index());
        byte[] y = program.int8Buffer(out.index());
        int size = elements(in);
        return n -> k.run(x, y, n * size);
    }

    private IntegerProgram.Step mean(Op op) {
        OpOptions.Mean o = (OpOptions.Mean) op.options();
        Tensor in = program.int8Activation(op, model.input(op, 0));
        Tensor out = program.int8Activation(op, model.output(op));
        Int8Mean k = new Int8Mean(in.shape(), o.axes(), o.keepDims(), scale(in), zeroPoint(in), scale(out),
                zeroPoint(out), options.kernelRounding());
        return perSample(k::run, in, out);
    }

    private IntegerProgram.Step pad(Op op) {
        OpOptions.Pad o = (OpOptions.Pad) op.options();
        Tensor in = program.int8Activation(op, model.input(op, 0));
        Tensor out = program.int8Activation(op, model.output(op));
        if (scale(in) != scale(out) || zeroPoint(in) != zeroPoint(out)) {
            throw program.unsupported(op, "PAD with different input and output quantization is not supported");
        }
        Int8Pad k = new Int8Pad(in.shape(), o.before(), out.shape(), zeroPoint(out));
        return perSample(k::run, in, out);
    }

    private IntegerProgram.Step concatenation(Op op) {
        OpOptions.Concatenation o = (OpOptions.Concatenation) op.options();
        if (o.activation() != Activation.NONE) {
            throw program.unsupported(op, "fused activation " + o.activation() + " (supported: NONE)");
        }
        Tensor out = program.int8Activation(op, model.output(op));
        int n = op.inputCount();
        int[][] shapes = new int[n][];
        float[] scales = new float[n];
        int[] zeroPoints = new int[n];
        byte[][] ins = new byte[n][];
        int[] strides = new int[n];
        for (int i = 0; i < n; i++) {
            Tensor t = program.int8Activation(op, model.input(op, i));
            shapes[i] = t.shape();
            scales[i] = scale(t);
            zeroPoints[i] = zeroPoint(t);
            ins[i] = operand(op, t);
            strides[i] = sampleStride(t);
        }
        Int8Concatenation k = new Int8Concatenation(shapes, o.axis(), scales, zeroPoints, scale(out), zeroPoint(out),
                options.kernelRounding());
        byte[] y = program.int8Buffer(out.index());
        int size = elements(out);
        int[] at = new int[n];
        return samples -> {
            for (int s = 0; s < samples; s++) {
                for (int i = 0; i < n; i++) {
                    at[i] = s * strides[i];
                }
                k.run(ins, at, y, s * size);
            }
        };
    }

    /** A one-sample kernel from one tensor into another, run sample after sample of the batch. */
    private interface SampleKernel {
        void run(byte[] in, int inAt, byte[] out, int outAt);
    }

    private IntegerProgram.Step perSample(SampleKernel k, Tensor in, Tensor out) {
        byte[] x = program.int8Buffer(in.index());
        byte[] y = program.int8Buffer(out.index());
        int inSize = elements(in);
        int outSize = elements(out);
        return n -> {
            for (int i = 0; i < n; i++) {
                k.run(x, i * inSize, y, i * outSize);
            }
        };
    }

    /** Where sample i+1 of an operand starts after sample i: a constant operand is the same for every sample. */
    private static int sampleStride(Tensor t) {
        return t.isConstant() ? 0 : elements(t);
    }

    private static int elements(Tensor t) {
        return (int) t.elementCount();
    }

    /** An activation's buffer, or a constant operand's int8 codes (e.g. TFLite's MUL by a constant 1/6). */
    private byte[] operand(Op op, Tensor t) {
        return t.isConstant() ? t.int8s() : program.int8Buffer(t.index());
    }

    private static float scale(Tensor t) {
        return t.quant().orElseThrow().scale(0);
    }

    private static int zeroPoint(Tensor t) {
        return (int) t.quant().orElseThrow().zeroPoint(0);
    }
}
