package io.bitsweep.eval.export.tflite;

import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites each FULLY_CONNECTED layer with per-channel weight scales as RESHAPE to [1,1,1,in], a 1x1 CONV_2D and
 * RESHAPE back, for TFLite 2.6.2: its FULLY_CONNECTED kernel reads only the first weight scale of a per-channel
 * tensor, so every row's outputs are wrong (measured on IC, KWS, VWW and AD: docs/EXPORT.md), and the quantizer gives
 * every channel its own scale.
 * A 1x1 convolution over a 1x1 image computes the same int32 accumulators, and TFLite 2.6.2 requantizes CONV_2D and
 * FULLY_CONNECTED alike (ruy's output stage, one rounding) with the same per-channel multipliers, so the bytes are
 * the layer's. Per-tensor layers (the int8 models as they are) stay FULLY_CONNECTED.
 */
final class FullyConnectedAsConv {
    private FullyConnectedAsConv() {}

    static Model rewrite(Model m) {
        List<Tensor> tensors = new ArrayList<>(m.tensors());
        List<Op> ops = new ArrayList<>();
        for (Op op : m.ops()) {
            if (op.type() != OpType.FULLY_CONNECTED || !m.weights(op).quant().orElseThrow().isPerChannel()) {
                ops.add(op);
                continue;
            }
            Tensor w = m.weights(op);
            Tensor in = m.input(op, 0);
            Tensor out = m.output(op);
            int inputs = w.dim(1);
            int outputs = w.dim(0);
            Tensor image = add(tensors, in.name() + "/1x1", new int[] {1, 1, 1, inputs}, in);
            Tensor pixel = add(tensors, out.name() + "/1x1", new int[] {1, 1, 1, outputs}, out);
            tensors.set(w.index(), new Tensor(w.index(), w.name(), new int[] {outputs, 1, 1, inputs}, w.dtype(),
                    w.quant().orElseThrow(), w.int8s()));
            Activation act = op.options().activation();
            ops.add(new Op(op.name() + "/reshape_in", OpType.RESHAPE, new int[] {in.index()},
                    new int[] {image.index()}, new OpOptions.Reshape(image.shape())));
            ops.add(new Op(op.name(), OpType.CONV_2D, new int[] {image.index(), w.index(), op.input(2)},
                    new int[] {pixel.index()}, new OpOptions.Conv(Padding.VALID, 1, 1, 1, 1, act)));
            ops.add(new Op(op.name() + "/reshape_out", OpType.RESHAPE, new int[] {pixel.index()},
                    new int[] {out.index()}, new OpOptions.Reshape(out.shape())));
        }
        return new Model(m.source(), m.sha256(), tensors, ops, m.inputIndices(), m.outputIndices(), m.inputLayout());
    }

    /** A new int8 activation tensor with {@code like}'s quantization. */
    private static Tensor add(List<Tensor> tensors, String name, int[] shape, Tensor like) {
        Tensor t = new Tensor(tensors.size(), name, shape, DType.INT8, like.quant().orElseThrow(), null);
        tensors.add(t);
        return t;
    }
}
