package io.bitsweep.search.exact;

import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.search.space.LayerInfo;
import java.util.ArrayList;
import java.util.List;

/** The search's view of a model IR: its quantizable layers with channel counts. */
public final class ModelLayers {
    private ModelLayers() {}

    public static List<LayerInfo> of(Model model) {
        List<LayerInfo> out = new ArrayList<>();
        for (Op op : model.quantizableLayers()) {
            int channels = model.outputChannels(op);
            out.add(new LayerInfo(op.name(), channels, (int) (model.weightCount(op) / channels)));
        }
        return out;
    }
}
