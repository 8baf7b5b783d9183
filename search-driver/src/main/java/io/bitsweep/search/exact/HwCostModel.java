package io.bitsweep.search.exact;

import io.bitsweep.eval.engine.exact.ActivationStatistics;
import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.QuantPlan;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.CsvReporter;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.Target;
import io.bitsweep.search.hw.ActivationStatsLayout;
import io.bitsweep.search.hw.LayerPrecisions;
import io.bitsweep.search.hw.WorkloadAdapter;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Costs a candidate with hw-sim: the candidate's assignment ({@link GenomeCodec#decode}, what the executors score)
 * becomes a workload through {@link LayerPrecisions} and {@link WorkloadAdapter}, the same path as
 * {@code bitsweep hwsim --assignment}, scale forms and residual fusion included; the target simulates it with the
 * activation statistics the shards gathered (data-dependent targets only). Weight memory comes from the number
 * formats' packed sizes (scales and shared exponents included), computed once per (layer, scale choice, allowed
 * format).
 *
 * <p>{@link io.bitsweep.search.problem.CandidateTally#activationStats()} has the layout of
 * {@link ActivationStatsLayout} (exact integer sums per observed layer; the means are taken once, here).
 */
public final class HwCostModel implements CostModel {
    /** longs per observed layer in the statistics array. */
    static final int STATS_PER_LAYER = ActivationStatsLayout.PER_LAYER;
    private static final NumberFormat INT8 = NumberFormat.parse("int8");

    private final Model model;
    private final GenomeCodec codec;
    private final SearchSpace space;
    private final Target target;
    private final ActivationStatsLayout statsLayout;
    /** Per layer, scale choice (gene value) and allowed weight format (gene value), the packed bits of a channel. */
    private final double[][][] channelBits;

    public HwCostModel(Model model, GenomeCodec codec, Target target) {
        this.model = model;
        this.codec = codec;
        this.space = codec.space();
        this.target = target;
        this.statsLayout = new ActivationStatsLayout(model);
        this.channelBits = new double[space.layers().size()][][];
        for (int l = 0; l < channelBits.length; l++) {
            LayerSpace ls = space.layers().get(l);
            channelBits[l] = ls.scales().stream().map(scale -> ls.weights().stream().map(scale::apply)
                    .mapToDouble(f -> f.packedBits(channelLayout(f, ls.layer().weightsPerChannel()))).toArray())
                    .toArray(double[][]::new);
        }
    }

    /** The ops whose outputs the exact engine's statistics cover, in execution order (ActivationStatsLayout). */
    static List<String> statisticsLayers(Model model) {
        return new ActivationStatsLayout(model).layers();
    }

    /** The statistics array of one candidate on one shard, in this model's layout. */
    static long[] statistics(List<String> layers, ActivationStatistics stats) {
        return ActivationStatsLayout.sums(layers, stats);
    }

    /** The weight memory of a target: a property of the target, read off the footprint of the model's workload. */
    static long weightCapacityBytes(Model model, Target target) {
        return target.simulate(WorkloadAdapter.build(model, WorkloadAdapter.uniform(INT8, INT8)))
                .footprint().weightCapacityBytes();
    }

    @Override
    public boolean needsActivationStatistics() {
        return target.dataDependent();
    }

    @Override
    public Costs costs(Genome genome, long[] activationStats) {
        double weightBits = 0;
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            double[] bits = channelBits[l][ls.scaleGene() < 0 ? 0 : genome.gene(ls.scaleGene())];
            for (int gene = 0; gene < ls.weightGenes(); gene++) {
                weightBits += ls.channelsPerGene() * bits[genome.gene(ls.weightOffset() + gene)];
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
        QuantPlan plan = QuantPlan.resolve(codec.decode(genome), model, "candidate");
        return target.simulate(WorkloadAdapter.build(model, LayerPrecisions.of(model, plan)),
                activationStats(activationStats), false);
    }

    /** One channel's weights as a vector: one scale for integer formats, blocks along it for block formats. */
    static Layout channelLayout(NumberFormat f, int length) {
        return f.layout(new int[] {length}, f instanceof BlockFormat ? Granularity.blocks(0) : Granularity.perTensor());
    }

    /** hw-sim's per-layer input statistics; none (full width, no zeros) where nothing was observed. */
    private ActivationStats activationStats(long[] sums) {
        return target.dataDependent() ? statsLayout.toHwSim(sums) : ActivationStats.NONE;
    }
}
