package io.bitsweep.search.hw;

import io.bitsweep.eval.engine.exact.ActivationStatistics;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.hwsim.ActivationStats;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the exact engine's activation statistics reach hw-sim, for the search (summed over shards) and for
 * {@code bitsweep hwsim --data}. The portable form is a {@code long[]}: for each layer the exact engine observes
 * ({@link #layers()}, conv/depthwise/FC/ADD outputs in execution order), {@value #PER_LAYER} exact integer sums:
 * elements, zeros and magnitude bits ({@link ActivationStatistics.Layer}). Integer sums merge across shards in any
 * order to the same bytes; the means are taken once, in {@link #toHwSim}. hw-sim wants the statistics of what a layer
 * <em>reads</em>, so each op is given those of the observed op whose output is its first input (through reshapes).
 */
public final class ActivationStatsLayout {
    /** longs per observed layer in the statistics array. */
    public static final int PER_LAYER = 3;

    private final List<String> layers;
    /** hw-sim layer (the op reading the activations) -> the observed layer whose output it reads. */
    private final Map<String, String> readsFrom;

    public ActivationStatsLayout(Model model) {
        this.layers = observedLayers(model);
        this.readsFrom = readsFrom(model, layers);
    }

    /** The ops whose outputs the exact engine's statistics cover, in execution order. */
    public List<String> layers() {
        return layers;
    }

    private static List<String> observedLayers(Model model) {
        List<String> names = new ArrayList<>();
        for (Op op : model.ops()) {
            if (op.type().isQuantizable() || op.type() == OpType.ADD) {
                names.add(op.name());
            }
        }
        return List.copyOf(names);
    }

    private static Map<String, String> readsFrom(Model model, List<String> observed) {
        Map<Integer, Op> producer = new HashMap<>();
        for (Op op : model.ops()) {
            producer.put(op.output(), op);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Op op : model.ops()) {
            Op p = producer.get(op.input(0));
            while (p != null && p.type() == OpType.RESHAPE) {
                p = producer.get(p.input(0));
            }
            if (p != null && observed.contains(p.name())) {
                out.put(op.name(), p.name());
            }
        }
        return out;
    }

    /** The statistics array of one run of the engine (one shard), in the layout of {@code layers}. */
    public static long[] sums(List<String> layers, ActivationStatistics stats) {
        long[] out = new long[layers.size() * PER_LAYER];
        for (int i = 0; i < layers.size(); i++) {
            ActivationStatistics.Layer l = stats.layers().get(layers.get(i));
            if (l != null) {
                out[i * PER_LAYER] = l.elements();
                out[i * PER_LAYER + 1] = l.zeros();
                out[i * PER_LAYER + 2] = l.magnitudeBits();
            }
        }
        return out;
    }

    /** hw-sim's per-layer input statistics from summed arrays; none (full width, no zeros) where nothing was seen. */
    public ActivationStats toHwSim(long[] sums) {
        if (sums.length == 0) {
            return ActivationStats.NONE;
        }
        ActivationStats.Builder b = ActivationStats.builder();
        readsFrom.forEach((reader, producer) -> {
            int i = layers.indexOf(producer) * PER_LAYER;
            long elements = sums[i];
            if (elements > 0) {
                b.put(reader, (double) sums[i + 1] / elements, (double) sums[i + 2] / elements, elements);
            }
        });
        return b.build();
    }
}
