package io.bitsweep.search;

import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.ProblemFactory;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerInfo;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import io.bitsweep.search.splits.SampleSplits;
import io.bitsweep.search.splits.SplitSelection;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A deterministic stand-in for model + data + target, to test the loop's mechanics (determinism, resume, archive,
 * run store) on real Spark without the engine. Each sample has a fixed difficulty; a candidate gets it right when its
 * fidelity (which falls with fewer bits) exceeds the difficulty. It is never used for results.
 * The data size is {@code bitsweep.search.data = "synthetic:<samples>"}.
 */
public final class SyntheticProblem implements SearchProblem {
    static final List<LayerInfo> LAYERS = List.of(
            new LayerInfo("conv_2d_0", 8, 27), new LayerInfo("conv_2d_1", 16, 72),
            new LayerInfo("depthwise_conv_2d_0", 16, 9), new LayerInfo("fully_connected_0", 10, 64));
    /** Fidelity lost per channel (relative to the layer's channel count) for each weight format. */
    static final Map<String, Double> PENALTY = Map.of("int8", 0.0, "int4", 0.02, "int2", 0.12, "pruned", 0.08,
            "bfp:m4:b16", 0.01, "bfp:m4:b32", 0.015, "int16", 0.0);
    static final Map<String, Double> BITS = Map.of("int8", 8.0, "int4", 4.0, "int2", 2.0, "pruned", 0.0,
            "bfp:m4:b16", 4.5, "bfp:m4:b32", 4.25, "int16", 16.0);

    private final int samples;
    private final SearchSpace space;
    private final SampleSplits splits;

    SyntheticProblem(SearchSettings settings, Optional<SampleSplits> stored) {
        this.samples = Integer.parseInt(settings.data().replace("synthetic:", ""));
        this.space = SearchSpace.of(settings, LAYERS);
        this.splits = stored.orElseGet(() -> SplitSelection.select(settings.splits(), labels(samples), "synthetic"));
    }

    /** Two classes, alternating: the splits need classes; the difficulty, not the class, decides a prediction. */
    static int[] labels(int samples) {
        return IntStream.range(0, samples).map(i -> i % 2).toArray();
    }

    public static final class Factory implements ProblemFactory {
        @Override
        public String name() {
            return "synthetic";
        }

        @Override
        public SearchProblem open(SearchSettings settings, Optional<SampleSplits> storedSplits) {
            return new SyntheticProblem(settings, storedSplits);
        }
    }

    @Override
    public List<LayerInfo> layers() {
        return LAYERS;
    }

    @Override
    public SearchSpace space() {
        return space;
    }

    @Override
    public byte[] modelBytes() {
        return new byte[] {1, 2, 3};
    }

    @Override
    public String modelSha256() {
        return "synthetic-model";
    }

    @Override
    public String dataSha256() {
        return "synthetic-data-" + samples;
    }

    @Override
    public SampleSplits splits() {
        return splits;
    }

    @Override
    public int[] sampleLabels() {
        return labels(samples);
    }

    @Override
    public double floatQuality() {
        int c = 0;
        for (int id : splits.evaluationOrder()) {
            c += difficulty(id) < 1.0 ? 1 : 0;
        }
        return (double) c / splits.evaluationSize();
    }

    @Override
    public boolean usesAuc() {
        return false;
    }

    @Override
    public long targetWeightMemoryBytes() {
        return 3000;
    }

    @Override
    public ShardScorer<?> scorer(SearchSpace space) {
        return new Scorer(space, splits.evaluationOrder());
    }

    @Override
    public CostModel costModel(SearchSpace space) {
        return (genome, stats) -> {
            double bits = 0;
            double cycles = 0;
            for (int l = 0; l < space.layers().size(); l++) {
                LayerSpace ls = space.layers().get(l);
                int actBits = Integer.parseInt(space.activationFormat(genome, l).spec().replaceAll("\\D", ""));
                for (int c = 0; c < ls.layer().outChannels(); c++) {
                    double b = BITS.get(space.weightFormat(genome, l, c).spec());
                    bits += b * ls.layer().weightsPerChannel() + (b > 0 ? 32 : 0);
                    cycles += b == 0 ? 0 : ls.layer().weightsPerChannel() * 100 * (b + actBits) / 16.0;
                }
            }
            return new CostModel.Costs(bits, (long) Math.ceil(bits / 8), cycles, cycles * 21.5);
        };
    }

    static double difficulty(int sample) {
        long z = sample * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 31)) * 0xBF58476D1CE4E5B9L;
        return ((z >>> 11) & ((1L << 53) - 1)) / (double) (1L << 53) * 1.15;
    }

    /** The shard: its evaluation positions (ascending) and their sample ids. */
    record Shard(int[] positions, int[] ids) {}

    static final class Scorer implements ShardScorer<Shard> {
        private final SearchSpace space;
        private final int[] order;

        Scorer(SearchSpace space, int[] order) {
            this.space = space;
            this.order = order;
        }

        @Override
        public Shard loadShard(int shard, int shardCount) {
            int[] positions = SampleSplits.shardPositions(shard, shardCount, order);
            return new Shard(positions, Arrays.stream(positions).map(p -> order[p]).toArray());
        }

        @Override
        public CandidateTally[] score(byte[] model, Shard shard, Genome[] population, SampleRange range,
                                     Runnable candidateDone) {
            CandidateTally[] out = new CandidateTally[population.length];
            for (int i = 0; i < population.length; i++) {
                double fidelity = fidelity(population[i]);
                long correct = 0;
                long loss = 0;
                long n = 0;
                long[] correctAt = new long[(order.length + 63) / 64];
                for (int k = 0; k < shard.ids().length; k++) {
                    int p = shard.positions()[k];
                    if (p < range.from() || p >= range.to()) {
                        continue;
                    }
                    double d = difficulty(shard.ids()[k]);
                    n++;
                    if (d < fidelity) {
                        correct++;
                        correctAt[p >> 6] |= 1L << p;
                    }
                    loss += Math.round(d / fidelity / CandidateTally.LOSS_UNIT);
                }
                out[i] = new CandidateTally(i, n, correct, loss, new int[0], new float[0], new byte[0],
                        new long[] {n}).withCorrectAt(correctAt);
                candidateDone.run();
            }
            return out;
        }

        private double fidelity(Genome g) {
            double f = 1;
            for (int l = 0; l < space.layers().size(); l++) {
                LayerSpace ls = space.layers().get(l);
                for (int c = 0; c < ls.layer().outChannels(); c++) {
                    f -= PENALTY.get(space.weightFormat(g, l, c).spec()) / ls.layer().outChannels();
                }
                f -= space.activationFormat(g, l).spec().equals("int4") ? 0.03 : 0;
            }
            return f;
        }
    }
}
