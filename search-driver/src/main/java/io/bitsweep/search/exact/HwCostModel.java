package io.bitsweep.search.exact;

import io.bitsweep.eval.engine.exact.ActivationStatistics;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.hw.WorkloadAdapter;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.CsvReporter;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.Target;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.SearchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Costs a candidate with hw-sim: {@link WorkloadAdapter} turns the model and the candidate's formats into a workload,
 * and the target simulates it with the activation statistics the shards gathered (data-dependent targets only).
 * Weight memory comes from the number formats' packed sizes (scales and shared exponents included).
 *
 * <p>It also defines the layout of {@link io.bitsweep.search.problem.CandidateTally#activationStats()}: for each
 * layer the exact engine observes ({@link #statisticsLayers}), three exact integer sums over the shard: elements,
 * zeros and magnitude bits ({@link ActivationStatistics.Layer}). Integer sums merge across shards in any order to the
 * same bytes; the means are taken here, once.
 */
public final class HwCostModel implements CostModel {
    /** longs per observed layer in the statistics array. */
    static final int STATS_PER_LAYER = 3;

    private final Model model;
    private final SearchSpace space;
    private final Target target;
    private final Map<String, Integer> layerIndex = new HashMap<>();
    private final List<String> statisticsLayers;
    /** hw-sim layer (the op reading the activations) -> the observed layer whose output it reads. */
    private final Map<String, String> readsFrom;

    public HwCostModel(Model model, SearchSpace space, Target target) {
        this.model = model;
        this.space = space;
        this.target = target;
        for (int l = 0; l < space.layers().size(); l++) {
            layerIndex.put(space.layers().get(l).layer().name(), l);
        }
        this.statisticsLayers = statisticsLayers(model);
        this.readsFrom = readsFrom(model, statisticsLayers);
    }

    /** The ops whose outputs the exact engine's statistics cover, in execution order (ActivationStatistics). */
    static List<String> statisticsLayers(Model model) {
        List<String> names = new ArrayList<>();
        for (Op op : model.ops()) {
            if (op.type().isQuantizable() || op.type() == OpType.ADD) {
                names.add(op.name());
            }
        }
        return names;
    }

    /** For each op, the observed op whose output is its first input, through reshapes (they keep the codes). */
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

    /** The statistics array of one candidate on one shard, in this model's layout. */
    static long[] statistics(List<String> layers, ActivationStatistics stats) {
        long[] out = new long[layers.size() * STATS_PER_LAYER];
        for (int i = 0; i < layers.size(); i++) {
            ActivationStatistics.Layer l = stats.layers().get(layers.get(i));
            if (l != null) {
                out[i * STATS_PER_LAYER] = l.elements();
                out[i * STATS_PER_LAYER + 1] = l.zeros();
                out[i * STATS_PER_LAYER + 2] = l.magnitudeBits();
            }
        }
        return out;
    }

    /** The weight memory of the target, 0 if it has no limit. */
    public long weightCapacityBytes() {
        return target.simulate(WorkloadAdapter.build(model, precisions(space.uniform(
                space.layers().get(0).weights().get(0), space.layers().get(0).activations().get(0)))))
                .footprint().weightCapacityBytes();
    }

    @Override
    public Costs costs(Genome genome, long[] activationStats) {
        double weightBits = 0;
        for (int l = 0; l < space.layers().size(); l++) {
            int channels = space.layers().get(l).layer().outChannels();
            int perChannel = space.layers().get(l).layer().weightsPerChannel();
            for (int c = 0; c < channels; c++) {
                NumberFormat f = NumberFormat.parse(space.weightFormat(genome, l, c));
                weightBits += f.packedBits(channelLayout(f, perChannel));
            }
        }
        SimulationReport r = simulate(genome, activationStats);
        return new Costs(weightBits, (long) Math.ceil(weightBits / 8), r.totalCycles(), r.energyPj());
    }

    @Override
    public Optional<String> layerCostsCsv(Genome genome, long[] activationStats) {
        if (activationStats == null && target.dataDependent()) {
            return Optional.empty();
        }
        StringBuilder csv = new StringBuilder();
        try {
            new CsvReporter().write(simulate(genome, activationStats == null ? new long[0] : activationStats), csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return Optional.of(csv.toString());
    }

    private SimulationReport simulate(Genome genome, long[] activationStats) {
        return target.simulate(WorkloadAdapter.build(model, precisions(genome)), activationStats(activationStats),
                false);
    }

    /** One channel's weights as a vector: one scale for integer formats, blocks along it for block formats. */
    static Layout channelLayout(NumberFormat f, int length) {
        return f.layout(new int[] {length}, f instanceof BlockFormat ? Granularity.blocks(0) : Granularity.perTensor());
    }

    /** hw-sim's per-layer input statistics; none (full width, no zeros) where nothing was observed. */
    private ActivationStats activationStats(long[] sums) {
        if (sums.length == 0 || !target.dataDependent()) {
            return ActivationStats.NONE;
        }
        ActivationStats.Builder b = ActivationStats.builder();
        readsFrom.forEach((reader, producer) -> {
            int i = statisticsLayers.indexOf(producer) * STATS_PER_LAYER;
            long elements = sums[i];
            if (elements > 0) {
                b.put(reader, (double) sums[i + 1] / elements, (double) sums[i + 2] / elements, elements);
            }
        });
        return b.build();
    }

    private WorkloadAdapter.Precisions precisions(Genome genome) {
        NumberFormat int8 = NumberFormat.parse("int8");
        return new WorkloadAdapter.Precisions() {
            @Override
            public NumberFormat[] weights(Op op, int outputChannels) {
                int l = layerIndex.get(op.name());
                NumberFormat[] f = new NumberFormat[outputChannels];
                for (int c = 0; c < outputChannels; c++) {
                    f[c] = NumberFormat.parse(space.weightFormat(genome, l, c), op.name());
                }
                return f;
            }

            @Override
            public NumberFormat activations(Op op) {
                Integer l = layerIndex.get(op.name());
                return l == null ? int8 : NumberFormat.parse(space.activationFormat(genome, l), op.name());
            }

            @Override
            public NumberFormat modelInput() {
                return int8; // the data are 8-bit; the exact engine reads the input as int8:asym
            }
        };
    }
}
