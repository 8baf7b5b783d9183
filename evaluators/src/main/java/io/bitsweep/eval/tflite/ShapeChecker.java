package io.bitsweep.eval.tflite;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.Shapes;
import io.bitsweep.eval.model.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that every op's tensors have the shapes its semantics need, so engines can trust the IR. A mismatch is a
 * one-line error naming the model file, the layer and the shapes.
 */
public final class ShapeChecker {
    private final Model model;

    public ShapeChecker(Model model) {
        this.model = model;
    }

    public void checkAll() {
        for (Op op : model.ops()) {
            check(op);
        }
    }

    private void check(Op op) {
        Tensor in = required(op, 0);
        Tensor out = model.output(op);
        // Engines index a tensor's elements with an int. The TFLite reader refuses larger stored shapes; this also
        // covers the shapes an importer infers (an ONNX graph's, found by CI's fuzzing: RELIABILITY.md crash 40).
        for (Tensor t : List.of(in, out)) {
            if (t.elementCount() > Integer.MAX_VALUE) {
                throw new BitSweepException("model " + model.source() + " layer " + op.name() + ": tensor "
                        + shape(t) + " has " + t.elementCount() + " elements (supported: at most "
                        + Integer.MAX_VALUE + ")");
            }
        }
        if (op.type().isQuantizable()) {
            parameter(op, required(op, 1), "weights");
            if (op.input(2) != Op.ABSENT) {
                parameter(op, model.tensor(op.input(2)), "bias");
            }
        }
        switch (op.type()) {
            case CONV_2D -> {
                OpOptions.Conv o = (OpOptions.Conv) op.options();
                Tensor w = required(op, 1);
                rank(op, in, 4);
                rank(op, w, 4);
                if (w.dim(3) != in.dim(3)) {
                    mismatch(op, "weights " + shape(w) + " expect " + w.dim(3) + " input channels, input is " + shape(in));
                }
                checkBias(op, w.dim(0));
                expectOutput(op, in, out, w.dim(1), w.dim(2), o.padding(), o.strideH(), o.strideW(), o.dilationH(),
                        o.dilationW(), w.dim(0));
            }
            case DEPTHWISE_CONV_2D -> {
                OpOptions.DepthwiseConv o = (OpOptions.DepthwiseConv) op.options();
                Tensor w = required(op, 1);
                rank(op, in, 4);
                rank(op, w, 4);
                if (w.dim(0) != 1 || in.dim(3) < 1 || w.dim(3) % in.dim(3) != 0) {
                    mismatch(op, "weights " + shape(w) + " do not fit input " + shape(in)
                            + " (expected [1,kh,kw,Cin*multiplier])");
                }
                checkBias(op, w.dim(3));
                expectOutput(op, in, out, w.dim(1), w.dim(2), o.padding(), o.strideH(), o.strideW(), o.dilationH(),
                        o.dilationW(), w.dim(3));
            }
            case AVERAGE_POOL_2D, MAX_POOL_2D -> {
                OpOptions.Pool o = (OpOptions.Pool) op.options();
                rank(op, in, 4);
                expectOutput(op, in, out, o.filterH(), o.filterW(), o.padding(), o.strideH(), o.strideW(), 1, 1,
                        in.dim(3));
            }
            case FULLY_CONNECTED -> {
                Tensor w = required(op, 1);
                rank(op, w, 2);
                long rows = in.elementCount() / w.dim(1);
                if (in.elementCount() % w.dim(1) != 0 || out.elementCount() != rows * w.dim(0)) {
                    mismatch(op, "input " + shape(in) + " and weights " + shape(w) + " do not give output " + shape(out));
                }
                checkBias(op, w.dim(0));
            }
            case ADD -> {
                Tensor b = required(op, 1);
                if (!Arrays.equals(in.shape(), out.shape()) || !Arrays.equals(b.shape(), out.shape())) {
                    mismatch(op, "inputs " + shape(in) + " and " + shape(b) + ", output " + shape(out)
                            + " (supported: equal shapes, no broadcasting)");
                }
            }
            case MUL -> {
                Tensor b = required(op, 1);
                if (!Arrays.equals(Shapes.broadcast(in.shape(), b.shape()), out.shape())) {
                    mismatch(op, "inputs " + shape(in) + " and " + shape(b) + " do not broadcast to output "
                            + shape(out));
                }
            }
            case MEAN -> {
                OpOptions.Mean o = (OpOptions.Mean) op.options();
                expectShape(op, Shapes.reduce(in.shape(), o.axes(), o.keepDims()), out,
                        "input " + shape(in) + " reduced over axes " + Arrays.toString(o.axes()));
            }
            case PAD -> {
                OpOptions.Pad o = (OpOptions.Pad) op.options();
                expectShape(op, Shapes.pad(in.shape(), o.before(), o.after()), out, "input " + shape(in) + " padded "
                        + Arrays.toString(o.before()) + " before and " + Arrays.toString(o.after()) + " after");
            }
            case CONCATENATION -> {
                int[][] shapes = new int[op.inputCount()][];
                for (int i = 0; i < shapes.length; i++) {
                    shapes[i] = required(op, i).shape();
                }
                int axis = ((OpOptions.Concatenation) op.options()).axis();
                expectShape(op, Shapes.concatenate(shapes, axis), out, "inputs "
                        + Arrays.stream(shapes).map(Arrays::toString).toList() + " along axis " + axis);
            }
            case SOFTMAX, HARD_SWISH, LOGISTIC -> {
                if (op.type() == OpType.SOFTMAX && in.rank() == 0) {
                    mismatch(op, "softmax of a scalar (input " + shape(in) + "): it runs over the last dimension");
                }
                if (!Arrays.equals(in.shape(), out.shape())) {
                    mismatch(op, "input " + shape(in) + ", output " + shape(out));
                }
            }
            case RESHAPE, QUANTIZE, DEQUANTIZE -> {
                if (in.elementCount() != out.elementCount()) {
                    mismatch(op, "input " + shape(in) + " has " + in.elementCount() + " elements, output "
                            + shape(out) + " has " + out.elementCount());
                }
            }
        }
    }

    private void expectShape(Op op, int[] expected, Tensor out, String what) {
        if (expected == null || !Arrays.equals(expected, out.shape())) {
            mismatch(op, what + (expected == null ? " is not possible" : " gives "
                    + Arrays.toString(expected).replace(" ", "")) + ", but the output is " + shape(out));
        }
    }

    /**
     * Weights and bias are read from the file by every engine, so they must be constants, and real numbers: float32,
     * or integers with the scale and zero point that give their values.
     */
    private void parameter(Op op, Tensor t, String role) {
        String problem = !t.isConstant() ? "has no data"
                : t.dtype() != DType.FLOAT32 && t.quant().isEmpty() ? "is " + t.dtype().label()
                        + " without quantization parameters" : null;
        if (problem != null) {
            throw new BitSweepException("model " + model.source() + " layer " + op.name() + ": " + role + " tensor "
                    + InputText.quote(t.name()) + " " + shape(t) + " " + problem + " (supported: constant weights"
                    + " and bias, float32 or quantized)");
        }
    }

    private void checkBias(Op op, int channels) {
        int b = op.input(2);
        if (b != Op.ABSENT && model.tensor(b).elementCount() != channels) {
            mismatch(op, "bias " + shape(model.tensor(b)) + " but " + channels + " output channels");
        }
    }

    private void expectOutput(Op op, Tensor in, Tensor out, int kh, int kw, Padding padding, int sh, int sw, int dh,
                              int dw, int channels) {
        ConvGeometry g = ConvGeometry.of(in.dim(1), in.dim(2), in.dim(3), kh, kw, sh, sw, dh, dw, padding);
        int ho = g.outH();
        int wo = g.outW();
        int[] expected = {in.dim(0), ho, wo, channels};
        if (ho < 1 || wo < 1 || !Arrays.equals(expected, out.shape())) {
            mismatch(op, "input " + shape(in) + " with kernel " + kh + "x" + kw + ", stride " + sh + "x" + sw + ", "
                    + padding + " gives " + Arrays.toString(expected).replace(" ", "") + ", but the output is " + shape(out));
        }
    }

    private Tensor required(Op op, int i) {
        if (op.input(i) == Op.ABSENT) {
            throw new BitSweepException("model " + model.source() + " layer " + op.name() + " lacks input " + i);
        }
        return model.tensor(op.input(i));
    }

    private void rank(Op op, Tensor t, int rank) {
        if (t.rank() != rank) {
            mismatch(op, "tensor " + InputText.quote(t.name()) + " " + shape(t) + " should have rank " + rank);
        }
    }

    private void mismatch(Op op, String detail) {
        throw new BitSweepException("model " + model.source() + " layer " + op.name() + ": shape mismatch: " + detail);
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.shape()).replace(" ", "");
    }
}
