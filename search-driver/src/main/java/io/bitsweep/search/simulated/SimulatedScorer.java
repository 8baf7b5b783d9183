package io.bitsweep.search.simulated;

import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.metrics.Accuracy;
import io.bitsweep.eval.metrics.AnomalyScore;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.data.SearchData;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.SearchSpace;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Executor side of the {@code simulated} evaluator: the shard's samples are read once (and cached by Spark); each
 * candidate's weights are quantized once per task and the float engine runs the shard.
 */
final class SimulatedScorer implements ShardScorer<SimulatedScorer.Shard> {
    private static final long serialVersionUID = 1L;
    /** Parsed models per executor JVM, by sha256: the broadcast bytes are parsed once, not once per task. */
    private static final Map<String, Model> MODELS = new ConcurrentHashMap<>();

    private final String data;
    private final int from;
    private final int to;
    private final SearchSpace space;
    private final String modelSha256;

    /** The samples of one shard: inputs[sample][window] in model input layout, labels, and their sample ids. */
    record Shard(TaskKind kind, int[] ids, int[] labels, float[][][] inputs) {}

    SimulatedScorer(String data, int from, int to, SearchSpace space, String modelSha256) {
        this.data = data;
        this.from = from;
        this.to = to;
        this.space = space;
        this.modelSha256 = modelSha256;
    }

    @Override
    public Shard loadShard(int shard, int shardCount) {
        Dataset ds = SearchData.open(data);
        int n = to - from;
        int a = from + (int) ((long) n * shard / shardCount);
        int b = from + (int) ((long) n * (shard + 1) / shardCount);
        int[] ids = new int[b - a];
        int[] labels = new int[b - a];
        float[][][] inputs = new float[b - a][ds.inputsPerSample()][ds.inputSize()];
        for (int s = a; s < b; s++) {
            ids[s - a] = s;
            labels[s - a] = ds.label(s);
            for (int w = 0; w < ds.inputsPerSample(); w++) {
                ds.input(s, w, inputs[s - a][w]);
            }
        }
        return new Shard(ds.kind(), ids, labels, inputs);
    }

    @Override
    public CandidateTally[] score(byte[] modelBytes, Shard shard, Genome[] population, Runnable candidateDone) {
        Model model = MODELS.computeIfAbsent(modelSha256, k -> TfliteImporter.read(modelBytes, "broadcast model"));
        WeightQuantizer quantizer = new WeightQuantizer(model, space);
        CandidateTally[] out = new CandidateTally[population.length];
        for (int i = 0; i < population.length; i++) {
            out[i] = score(i, FloatEngine.compile(quantizer.quantized(population[i])), shard);
            candidateDone.run();
        }
        return out;
    }

    static CandidateTally score(int candidate, FloatEngine engine, Shard shard) {
        float[] result = new float[engine.outputSize()];
        int n = shard.ids().length;
        long correct = 0;
        long lossUnits = 0;
        boolean ad = shard.kind() == TaskKind.AD;
        float[] scores = new float[ad ? n : 0];
        byte[] labels = new byte[ad ? n : 0];
        for (int s = 0; s < n; s++) {
            if (ad) {
                AnomalyScore score = new AnomalyScore();
                for (float[] window : shard.inputs()[s]) {
                    engine.predict(window, result);
                    score.addWindow(window, result);
                }
                scores[s] = (float) score.score();
                labels[s] = (byte) shard.labels()[s];
                lossUnits += Math.round(score.score() / CandidateTally.LOSS_UNIT);
            } else {
                engine.predict(shard.inputs()[s][0], result);
                int label = shard.labels()[s];
                correct += Accuracy.argmax(result) == label ? 1 : 0;
                double p = Math.max(result[label], 1e-7);
                lossUnits += Math.round(-Math.log(p) / CandidateTally.LOSS_UNIT);
            }
        }
        return new CandidateTally(candidate, n, correct, lossUnits, ad ? shard.ids().clone() : new int[0], scores,
                labels, new long[0]);
    }
}
