package io.bitsweep.search.exact;

import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.search.space.AddInfo;
import io.bitsweep.search.space.LayerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The search's view of a model IR: its quantizable layers with channel counts, and its ADDs with their inputs. */
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

    /** The ADDs in execution order, each input named by the layer or ADD writing it (through pools and reshapes). */
    public static List<AddInfo> adds(Model model) {
        Map<Integer, Op> producer = new HashMap<>();
        for (Op op : model.ops()) {
            producer.put(op.output(), op);
        }
        List<AddInfo> out = new ArrayList<>();
        for (Op op : model.ops()) {
            if (op.type() != OpType.ADD) {
                continue;
            }
            List<String> inputs = new ArrayList<>();
            for (int t : op.inputs()) {
                Op p = producer.get(t);
                while (p != null && keepsItsInputsScale(p.type())) {
                    p = producer.get(p.input(0));
                }
                inputs.add(p != null && (p.type().isQuantizable() || p.type() == OpType.ADD) ? p.name()
                        : AddInfo.OTHER);
            }
            out.add(new AddInfo(op.name(), inputs));
        }
        return out;
    }

    private static boolean keepsItsInputsScale(OpType t) {
        return t == OpType.RESHAPE || t == OpType.AVERAGE_POOL_2D || t == OpType.MAX_POOL_2D;
    }
}
