package io.bitsweep.search.exact;

import io.bitsweep.eval.data.LabelledSamples;
import io.bitsweep.eval.data.SampleLayout;
import io.bitsweep.eval.data.SampleSubset;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.data.TinyDataset;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.QuantizingPredictor;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ExecutionSettings;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.metrics.SampleScoring;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Calibrator;
import io.bitsweep.eval.quant.LayerInputStatistics;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.quant.WeightRows;
import io.bitsweep.search.data.SearchData;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.splits.SampleSplits;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Executor side of the {@code exact} evaluator. The shard's samples are read once, in storage order, and cached by
 * Spark as their raw bytes (see {@link Shard}). Each
 * candidate's assignment (the genome decoded: what {@code bitsweep eval --assignment} loads from its JSON) goes
 * through the same path as that command ({@link Quantizer}, then {@link ExactPredictor}), once per task, and the
 * bit-exact engine runs the shard. The model is parsed and the float model's calibration pass runs once per executor
 * JVM ({@link ExecutorCaches}): the observations serve every candidate. So do the quantized weight rows: each
 * (layer, format) is rounded once per executor, however costly the rounding method (GPTQ), and a candidate's weights
 * are looked up.
 */
final class ExactScorer implements ShardScorer<ExactScorer.Shard> {
    private static final long serialVersionUID = 1L;

    private final String data;
    private final int[] calibration;
    private final String calibrationKey;
    private final int[] evaluationOrder;
    private final GenomeCodec codec;
    private final QuantSettings.CalibrationMethod calibrationMethod;
    private final boolean inputStatistics;
    private final String modelSha256;
    private final String dataSha256;
    private final List<String> statisticsLayers;
    private final ExecutionSettings engine;

    /**
     * The samples of one shard as the data set stores them: raw[sample] is the sample's raw bytes (u8 pixels, int8
     * MFCCs, ...), decoded into model inputs by the layout on every {@link #input} call, as {@code bitsweep eval}
     * decodes them. Cached in this compact form: a float copy would be 4 times the size (5 for AD's windows). Also
     * the labels, the sample ids and their evaluation positions (ascending).
     */
    record Shard(SampleLayout layout, int[] ids, int[] positions, int[] labels, byte[][] raw)
            implements LabelledSamples {
        @Override
        public TaskKind kind() {
            return layout.kind();
        }

        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public int label(int sample) {
            return labels[sample];
        }

        @Override
        public int inputsPerSample() {
            return layout.inputsPerSample();
        }

        @Override
        public int inputSize() {
            return layout.inputSize();
        }

        @Override
        public void input(int sample, int window, float[] dst) {
            layout.decode(ByteBuffer.wrap(raw[sample]), window, dst);
        }

        /** The first sample whose evaluation position is at least {@code position}. */
        int firstAt(int position) {
            int i = Arrays.binarySearch(positions, position);
            return i >= 0 ? i : -i - 1;
        }
    }

    /**
     * @param inputStatistics  whether the quantization settings need the layers' calibration input statistics
     *                         ({@link QuantSettings#needsInputStatistics()})
     * @param statisticsLayers the layers whose activation statistics are gathered (the cost model's layout), or
     *                         null when the target does not use them: gathering costs a scan per layer output
     * @param engine the engine's kernels and batch size (the config's {@code engine} block)
     */
    ExactScorer(String data, SampleSplits splits, GenomeCodec codec, QuantSettings.CalibrationMethod calibrationMethod,
                boolean inputStatistics, String modelSha256, String dataSha256, List<String> statisticsLayers,
                ExecutionSettings engine) {
        this.data = data;
        this.calibration = splits.calibration();
        this.calibrationKey = Integer.toHexString(Arrays.hashCode(calibration)) + "x" + calibration.length;
        this.evaluationOrder = splits.evaluationOrder();
        this.codec = codec;
        this.calibrationMethod = calibrationMethod;
        this.inputStatistics = inputStatistics;
        this.modelSha256 = modelSha256;
        this.dataSha256 = dataSha256;
        this.statisticsLayers = statisticsLayers == null ? null : List.copyOf(statisticsLayers);
        this.engine = engine;
    }

    /**
     * Reads the shard's samples in storage order ({@link TinyDataset#forEachSample}: a shard directory's files each
     * once, batch by batch) and lays them out by evaluation position, keeping their raw bytes.
     */
    /** The data (by location and content) and the evaluation order: all a loaded shard depends on. */
    @Override
    public String shardSetKey() {
        return "exact|" + data + "|" + dataSha256 + "|" + Integer.toHexString(Arrays.hashCode(evaluationOrder)) + "x"
                + evaluationOrder.length;
    }

    @Override
    public Shard loadShard(int shard, int shardCount) {
        TinyDataset ds = SearchData.open(data);
        int[] positions = SampleSplits.shardPositions(shard, shardCount, evaluationOrder);
        int n = positions.length;
        int[] ids = new int[n];
        Integer[] byId = new Integer[n];
        for (int i = 0; i < n; i++) {
            ids[i] = evaluationOrder[positions[i]];
            byId[i] = i;
        }
        Arrays.sort(byId, (a, b) -> Integer.compare(ids[a], ids[b]));
        int[] sortedIds = Arrays.stream(byId).mapToInt(i -> ids[i]).toArray();
        int[] labels = new int[n];
        byte[][] raw = new byte[n][];
        int[] next = {0};
        ds.forEachSample(sortedIds, (sample, label, bytes) -> {
            int i = byId[next[0]++];
            labels[i] = label;
            raw[i] = new byte[bytes.remaining()];
            bytes.get(raw[i]);
        });
        return new Shard(ds.layout(), ids, positions, labels, raw);
    }

    @Override
    public CandidateTally[] score(byte[] modelBytes, Shard shard, Genome[] population, SampleRange positions,
                                 Runnable candidateDone) {
        Model model = ExecutorCaches.MODELS.get(modelSha256, k -> ModelFiles.read(modelBytes, "broadcast model"));
        Calibrator.Observations calibration = calibration(model);
        WeightRows rows = weightRows(model);
        CandidateTally[] out = new CandidateTally[population.length];
        for (int i = 0; i < population.length; i++) {
            ProgramSpec q = quantize(model, population[i], calibration, rows);
            ExactPredictor predictor = new ExactPredictor(q.withOptions(
                    engine.applyTo(q.options()).withStatistics(statisticsLayers != null)));
            out[i] = score(i, predictor, shard, positions, true, quantizedInputs(predictor, shard));
            if (statisticsLayers != null) {
                out[i] = out[i].withActivationStats(
                        HwCostModel.statistics(statisticsLayers, predictor.program().statistics()));
            }
            candidateDone.run();
        }
        return out;
    }

    /**
     * The candidate's assignment through the {@code eval --assignment} path, once per executor JVM while the cache
     * keeps it (a raced candidate is scored in several stages).
     */
    ProgramSpec quantize(Model model, Genome genome, Calibrator.Observations calibration, WeightRows rows) {
        String key = splitKey() + "|" + calibrationMethod + "|" + codec.settings() + "|" + genome.hex();
        return ExecutorCaches.PROGRAMS.get(key,
                k -> Quantizer.quantize(model, codec.decode(genome), "candidate assignment", calibration, rows));
    }

    /**
     * The float model's observations of the calibration split, per executor JVM, by (model sha256, data sha256,
     * split, method): by content, not by location, so two searches in one JVM (a notebook's Spark session) never
     * share observations of different data that was written to the same path.
     */
    Calibrator.Observations calibration(Model model) {
        String key = splitKey() + "|" + calibrationMethod;
        return ExecutorCaches.CALIBRATIONS.get(key, k -> Calibrator.observe(model, calibrationSamples(), 0,
                calibration.length, calibrationMethod));
    }

    /**
     * The executor's table of quantized weight rows for this model and calibration split, kept in
     * {@link ExecutorCaches#ROWS}; with the split's input statistics (gathered once per executor JVM) when the
     * settings need them.
     */
    WeightRows weightRows(Model model) {
        String split = splitKey();
        LayerInputStatistics stats = inputStatistics ? ExecutorCaches.INPUT_STATISTICS.get(split,
                k -> LayerInputStatistics.gather(model, calibrationSamples(), 0, calibration.length)) : null;
        return WeightRows.of(model, stats, (key, compute) -> ExecutorCaches.ROWS.get(
                new ExecutorCaches.RowsKey(split, key), k -> compute.apply(k.rows())));
    }

    private SampleSubset calibrationSamples() {
        return new SampleSubset(SearchData.open(data), calibration);
    }

    /** The model and calibration split, by content (model and data sha256, the split's ids), not by location. */
    private String splitKey() {
        return modelSha256 + "|" + dataSha256 + "|" + calibrationKey;
    }

    /**
     * The shard's samples quantized as the predictor quantizes its inputs, from the executor's cache, or null where
     * they are not kept: AD (its score needs the float inputs), or a shard too large for a quarter of the cache (it
     * would be evicted before the next candidate).
     */
    private byte[] quantizedInputs(ExactPredictor predictor, Shard shard) {
        long bytes = (long) shard.size() * predictor.inputBytes();
        if (shard.kind() == TaskKind.AD || bytes > ExecutorCaches.QUANTIZED_INPUTS_BYTES / 4) {
            return null;
        }
        String key = shardSetKey() + "|" + Integer.toHexString(Arrays.hashCode(shard.ids())) + "x" + shard.size() + "|"
                + predictor.inputQuantization();
        return ExecutorCaches.QUANTIZED_INPUTS.get(key, k -> {
            byte[] codes = new byte[(int) bytes];
            float[] input = new float[shard.inputSize()];
            for (int s = 0; s < shard.size(); s++) {
                shard.input(s, 0, input);
                predictor.quantizeInput(input, codes, s * predictor.inputBytes());
            }
            return codes;
        });
    }

    /**
     * Runs the predictor over the shard's samples in {@code positions} ({@link SampleScoring}, as {@code bitsweep
     * eval} does): correct predictions and loss, or per-sample anomaly scores for AD; with {@code keepCorrectAt}, which
     * positions a classifier got right.
     */
    static CandidateTally score(int candidate, Predictor predictor, Shard shard, SampleRange positions,
                                boolean keepCorrectAt) {
        return score(candidate, predictor, shard, positions, keepCorrectAt, null);
    }

    /**
     * {@link #score(int, Predictor, Shard, SampleRange, boolean)} on the shard's inputs already quantized by the
     * predictor ({@code codes}, sample by sample), or decoding them where {@code codes} is null.
     */
    private static CandidateTally score(int candidate, Predictor predictor, Shard shard, SampleRange positions,
                                        boolean keepCorrectAt, byte[] codes) {
        int from = shard.firstAt(positions.from());
        int to = shard.firstAt(positions.to());
        boolean ad = shard.kind() == TaskKind.AD;
        int n = to - from;
        float[] scores = new float[ad ? n : 0];
        byte[] labels = new byte[ad ? n : 0];
        long[] correctAt = new long[keepCorrectAt && !ad && n > 0 ? (shard.positions()[to - 1] >> 6) + 1 : 0];
        long[] correctAndLoss = new long[2];
        SampleScoring.Outcomes tally = (s, o) -> {
            if (ad) {
                scores[s - from] = (float) o.anomalyScore();
                labels[s - from] = (byte) o.label();
                correctAndLoss[1] += Math.round(o.anomalyScore() / CandidateTally.LOSS_UNIT);
            } else {
                correctAndLoss[0] += o.correct() ? 1 : 0;
                correctAndLoss[1] += Math.round(o.crossEntropy() / CandidateTally.LOSS_UNIT);
                if (o.correct() && correctAt.length > 0) {
                    int p = shard.positions()[s];
                    correctAt[p >> 6] |= 1L << p;
                }
            }
        };
        if (codes != null) {
            SampleScoring.runQuantized((QuantizingPredictor) predictor, codes, shard, from, to, tally);
        } else {
            SampleScoring.run(predictor, shard, from, to, null, tally);
        }
        int[] ids = ad ? Arrays.copyOfRange(shard.ids(), from, to) : new int[0];
        if (ad) {
            sortByIdWith(ids, scores, labels);
        }
        CandidateTally t = new CandidateTally(candidate, n, correctAndLoss[0], correctAndLoss[1], ids, scores, labels,
                new long[0]);
        return correctAt.length > 0 ? t.withCorrectAt(correctAt) : t;
    }

    /** Per-sample rows of a tally are sorted by sample id ({@link CandidateTally}); a shard lists them by position. */
    private static void sortByIdWith(int[] ids, float[] scores, byte[] labels) {
        Integer[] order = new Integer[ids.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> Integer.compare(ids[a], ids[b]));
        int[] i2 = ids.clone();
        float[] s2 = scores.clone();
        byte[] l2 = labels.clone();
        for (int k = 0; k < order.length; k++) {
            ids[k] = i2[order[k]];
            scores[k] = s2[order[k]];
            labels[k] = l2[order[k]];
        }
    }
}
