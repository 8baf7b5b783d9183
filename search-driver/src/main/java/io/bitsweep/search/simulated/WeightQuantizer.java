package io.bitsweep.search.simulated;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.PrunedFormat;
import io.bitsweep.eval.format.Rounding;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A float model whose weights are replaced, channel by channel, by the values the candidate's formats can represent
 * (quantize then dequantize with the number formats of io.bitsweep.eval.format). An integer format takes one scale
 * per channel, a block format blocks along the channel's weights, pruned channels become zero.
 */
public final class WeightQuantizer {
    private final Model model;
    private final SearchSpace space;
    private final List<Op> layers;
    private final List<float[]> floatWeights = new ArrayList<>();

    public WeightQuantizer(Model model, SearchSpace space) {
        this.model = model;
        this.space = space;
        this.layers = model.quantizableLayers();
        for (Op op : layers) {
            Tensor w = model.weights(op);
            floatWeights.add(w.dtype() == DType.FLOAT32 ? w.floats() : w.dequantize());
        }
    }

    public Model quantized(Genome genome) {
        List<Tensor> tensors = new ArrayList<>(model.tensors());
        for (int l = 0; l < layers.size(); l++) {
            Op op = layers.get(l);
            Tensor w = model.weights(op);
            float[] values = floatWeights.get(l).clone();
            quantizeChannels(values, w.shape(), Model.outputChannelAxis(op.type()), genome, l);
            ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            tensors.set(w.index(), new Tensor(w.index(), w.name(), w.shape(), DType.FLOAT32, null, bytes.array()));
        }
        return new Model(model.source(), model.sha256(), tensors, model.ops(), model.inputIndices(),
                model.outputIndices());
    }

    private void quantizeChannels(float[] values, int[] shape, int axis, Genome genome, int layer) {
        LayerSpace ls = space.layers().get(layer);
        int channels = shape[axis];
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        int outer = values.length / (channels * inner);
        float[] channel = new float[outer * inner];
        for (int c = 0; c < channels; c++) {
            NumberFormat f = NumberFormat.parse(space.weightFormat(genome, layer, c), ls.layer().name());
            for (int o = 0, k = 0; o < outer; o++) {
                System.arraycopy(values, (o * channels + c) * inner, channel, k, inner);
                k += inner;
            }
            if (f instanceof PrunedFormat) {
                java.util.Arrays.fill(channel, 0f);
            } else {
                f.quantizeDequantize(channel, channel, layout(f, channel.length), Rounding.NEAREST);
            }
            for (int o = 0, k = 0; o < outer; o++) {
                System.arraycopy(channel, k, values, (o * channels + c) * inner, inner);
                k += inner;
            }
        }
    }

    /** One channel's weights as a vector: one scale for integer formats, blocks along it for block formats. */
    static Layout layout(NumberFormat f, int length) {
        return f.layout(new int[] {length}, f instanceof BlockFormat ? Granularity.blocks(0) : Granularity.perTensor());
    }
}
