package io.bitsweep.search.problem;

import io.bitsweep.eval.metrics.RocAuc;
import io.bitsweep.search.space.LayerInfo;
import io.bitsweep.search.splits.SampleSplits;
import io.bitsweep.search.space.SearchSpace;
import java.util.List;
import java.util.Optional;

/**
 * One model on one data set and one hardware target, as the search needs it. The search loop only sees this
 * interface, so the quantized evaluation (the bit-exact engine) and the cost (hw-sim) plug in behind it.
 */
public interface SearchProblem extends AutoCloseable {
    /** The quantizable layers, in execution order, named as in docs/ASSIGNMENT.md. */
    List<LayerInfo> layers();

    /**
     * The search space: the config's format rules applied to {@link #layers()}, built once, and already checked to be
     * one the evaluator can run (a format it cannot run is an error naming the layer, before any generation).
     */
    SearchSpace space();

    /** The model file's bytes: broadcast to the executors once per run. */
    byte[] modelBytes();

    /** SHA-256 (hex) of the model file and of the data: the provenance run.json records. */
    String modelSha256();

    String dataSha256();

    /**
     * The calibration and evaluation samples ({@code bitsweep.search.splits}, or the ones a resumed run stored), with
     * the evaluation order every shard, racing stage and profile subsample follows.
     */
    SampleSplits splits();

    /**
     * The raw bytes of the evaluation split as the executors hold it (samples times the data set's bytes per sample),
     * which sets how many shards it is cut into ({@link io.bitsweep.search.config.SearchSettings#shardsFor}); 0 for a
     * problem whose shards hold no samples.
     */
    default long evaluationBytes() {
        return 0;
    }

    /** The class of every sample of the data set, in its order (AD: 0 normal, 1 anomalous). */
    int[] sampleLabels();

    /** The quality metric (accuracy or AUC) of the float model on the evaluation split: the constraint's baseline. */
    double floatQuality();

    /** True if the metric is AUC (needs per-sample scores), false for top-1 accuracy. */
    boolean usesAuc();

    /**
     * The metric of a merged tally: top-1 accuracy, or the ROC AUC of the per-sample scores computed by the
     * evaluators' {@link RocAuc}, as {@code bitsweep eval} computes it.
     */
    default double quality(CandidateTally t) {
        if (!usesAuc()) {
            return t.samples() == 0 ? 0 : (double) t.correct() / t.samples();
        }
        float[] s = t.scores();
        byte[] l = t.labels();
        double[] scores = new double[s.length];
        int[] labels = new int[l.length];
        for (int i = 0; i < s.length; i++) {
            scores[i] = s[i];
            labels[i] = l[i];
        }
        return RocAuc.of(scores, labels);
    }

    /** The weight memory of the hardware target, for {@code memory-budget = target}; 0 if it has no limit. */
    long targetWeightMemoryBytes();

    /** The executor side, for this search space (it maps genomes to formats). */
    ShardScorer<?> scorer(SearchSpace space);

    /**
     * Per layer, weight format and output channel, the channel's quantization error energy under the layer's input
     * statistics: a proxy of how much quantizing that channel hurts, computed without inference
     * (docs/SEARCH.md "Sensitivity profile"). Empty if this problem has no such proxy.
     */
    default Optional<double[][][]> channelErrorEnergy(SearchSpace space) {
        return Optional.empty();
    }

    /** The hardware cost of candidates in this search space. */
    CostModel costModel(SearchSpace space);

    @Override
    default void close() {}
}
