package io.bitsweep.search.exact;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.SampleSubset;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.data.TinyDataset;
import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.Calibrator;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.quant.WeightRows;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.search.config.GeneGranularity;
import io.bitsweep.search.config.ScaleChoice;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.data.SearchData;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.ProblemFactory;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.space.LayerInfo;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import io.bitsweep.search.splits.SampleSplits;
import io.bitsweep.search.splits.SplitSelection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * The {@code exact} evaluator: every candidate is the assignment {@code bitsweep eval --assignment} would load,
 * quantized from the float model with activation ranges calibrated on the config's calibration split and run on the
 * bit-exact integer engine; hw-sim puts cycles and energy on it, with the activation statistics gathered on the
 * shards when the target is data-dependent. A front point's accuracy is what {@code eval --assignment} prints for
 * the same samples.
 */
public final class ExactProblem implements SearchProblem {
    private final SearchSettings settings;
    private final Model model;
    private final byte[] modelBytes;
    private final TinyDataset data;
    private final Target target;
    private final int[] labels;
    private final SampleSplits splits;
    private final double floatQuality;
    private final SearchSpace space;

    public static final class Factory implements ProblemFactory {
        @Override
        public String name() {
            return "exact";
        }

        @Override
        public SearchProblem open(SearchSettings settings, Optional<SampleSplits> storedSplits) {
            return new ExactProblem(settings, storedSplits);
        }
    }

    ExactProblem(SearchSettings s, Optional<SampleSplits> storedSplits) {
        this.settings = s;
        Path modelPath = resolve(s.model(), "model");
        String dataPath = SearchData.resolve(s.data(), SearchSettings.ROOT + ".data");
        this.modelBytes = ModelFiles.portableBytes(modelPath); // ONNX external data inlined: executors need no files
        this.model = ModelFiles.read(modelBytes, modelPath.toString());
        this.data = SearchData.open(dataPath);
        this.target = target(s);
        this.labels = new int[data.size()];
        // In storage order, batch by batch: a shard directory's files are read once, never held whole.
        data.forEachSample(IntStream.range(0, data.size()).toArray(), (sample, label, raw) -> labels[sample] = label);
        storedSplits.filter(st -> st.dataSize() != data.size()).ifPresent(st -> {
            throw new BitSweepException("the run's stored splits (splits.json) index " + st.dataSize()
                    + " samples, but data " + dataPath + " has " + data.size());
        });
        this.splits = storedSplits.orElseGet(() -> SplitSelection.select(s.splits(), labels, dataPath));
        int modelInput = (int) model.input().elementCount();
        if (modelInput != data.inputSize()) {
            throw new BitSweepException("model " + modelPath + " takes " + modelInput + " input values but data "
                    + dataPath + " gives " + data.inputSize() + " per sample: model and data do not match");
        }
        this.floatQuality = measureFloatQuality();
        this.space = SearchSpace.of(s, layers(), ModelLayers.adds(model));
        checkTheEngineRunsTheSpace();
    }

    /**
     * Quantizes the model once with every format the space allows in every layer under each of its scale choices
     * (and, for per-channel layers, all of a layer's formats side by side), so that a format the exact engine cannot
     * run is an error now, naming the layer and the format, rather than a failed Spark task in generation 3.
     */
    private void checkTheEngineRunsTheSpace() {
        Assignment base = codec(space).decode(Genome.of(new byte[space.genomeLength()]));
        Calibrator.Observations cal = Calibrator.observe(model, new SampleSubset(data, splits.calibration()), 0,
                splits.calibrationSize(), settings.quantization().calibration().method());
        // How weights are rounded does not change which formats the engine runs: probe with rounding to nearest and
        // max-abs or mse scales, which need no input statistics (the executors gather those once each).
        QuantSettings q = base.settings();
        QuantSettings probe = new QuantSettings(q.calibration(), q.weightScales() == QuantSettings.WeightScales.HESSIAN
                ? QuantSettings.WeightScales.MSE : q.weightScales(), q.requant(), q.fusion())
                .withArithmetic(q.arithmetic());
        WeightRows rows = WeightRows.memoized(model, null);
        int widest = space.layers().stream()
                .mapToInt(l -> Math.max(l.weights().size(), l.activations().size())).max().orElse(0);
        int scaleChoices = space.layers().stream().mapToInt(l -> l.scales().size()).max().orElse(1);
        List<Map<String, Assignment.Layer>> probes = new ArrayList<>();
        for (int s = 0; s < scaleChoices; s++) {
            for (int j = 0; j < widest; j++) {
                Map<String, Assignment.Layer> layers = new LinkedHashMap<>();
                for (LayerSpace ls : space.layers()) {
                    ScaleChoice scale = ls.scales().get(s % ls.scales().size());
                    layers.put(ls.layer().name(), new Assignment.Layer(
                            List.of(scale.apply(ls.weights().get(j % ls.weights().size()))), false,
                            scale.apply(ls.activations().get(j % ls.activations().size()))));
                }
                probes.add(layers);
            }
        }
        Map<String, Assignment.Layer> mixed = new LinkedHashMap<>();
        for (LayerSpace ls : space.layers()) {
            if (ls.granularity() == GeneGranularity.PER_CHANNEL && ls.weights().size() > 1) {
                List<NumberFormat> perChannel = new ArrayList<>();
                for (int c = 0; c < ls.layer().outChannels(); c++) {
                    perChannel.add(ls.weights().get(c % ls.weights().size()));
                }
                mixed.put(ls.layer().name(), new Assignment.Layer(perChannel, true, null));
            }
        }
        probes.add(mixed);
        for (Map<String, Assignment.Layer> layers : probes) {
            Assignment a = new Assignment(null, base.defaultWeights(), base.defaultActivations(), layers, probe);
            try {
                Quantizer.quantize(model, a, "search space", cal, rows);
            } catch (BitSweepException e) {
                throw new BitSweepException(SearchSettings.ROOT + ".space: the exact evaluator cannot run this "
                        + "search space: " + e.getMessage(), e);
            }
        }
    }

    private GenomeCodec codec(SearchSpace space) {
        return new GenomeCodec(space, settings.quantization(), model.sha256());
    }

    private static Target target(SearchSettings s) {
        Path file = Path.of(s.hwDir(), s.hwTarget() + ".conf");
        Path repoFile = Path.of(System.getProperty("bitsweep.repo", ".")).resolve(file);
        if (Files.isRegularFile(file)) {
            return Targets.load(file.toString());
        }
        if (Files.isRegularFile(repoFile)) {
            return Targets.load(repoFile.toString());
        }
        try {
            return Targets.load(s.hwTarget());
        } catch (IllegalArgumentException e) {
            throw new BitSweepException(SearchSettings.ROOT + ".hw.target: " + e.getMessage(), e);
        }
    }

    /** A local path; "assets:" prefixes resolve against the MLPerf Tiny assets directory. */
    private static Path resolve(String location, String key) {
        if (location.isBlank()) {
            throw new BitSweepException(SearchSettings.ROOT + "." + key + ": missing (a path, or assets:<path>)");
        }
        Path p = location.startsWith("assets:") ? Assets.resolve(location.substring(7)) : Path.of(location);
        if (!Files.exists(p)) {
            throw new BitSweepException(SearchSettings.ROOT + "." + key + ": no such file or directory: " + p);
        }
        return p;
    }

    /** The float model over the evaluation split, shard by shard as the search cuts it: one shard in memory. */
    private double measureFloatQuality() {
        ExactScorer scorer = scorer(null);
        Predictor floatModel = FloatEngine.compile(model);
        int shards = settings.shardsFor(evaluationBytes());
        CandidateTally all = null;
        for (int k = 0; k < shards; k++) {
            CandidateTally t = ExactScorer.score(0, floatModel, scorer.loadShard(k, shards),
                    SampleRange.all(splits.evaluationSize()), false);
            all = all == null ? t : CandidateTally.merge(all, t);
        }
        return quality(all);
    }

    @Override
    public long evaluationBytes() {
        return (long) splits.evaluationSize() * data.layout().sampleBytes();
    }

    private String dataPathString() {
        return SearchData.resolve(settings.data(), SearchSettings.ROOT + ".data");
    }

    @Override
    public List<LayerInfo> layers() {
        return ModelLayers.of(model);
    }

    @Override
    public byte[] modelBytes() {
        return modelBytes.clone();
    }

    @Override
    public String modelSha256() {
        return model.sha256();
    }

    @Override
    public String dataSha256() {
        return data.sha256();
    }

    @Override
    public SampleSplits splits() {
        return splits;
    }

    @Override
    public int[] sampleLabels() {
        return labels.clone();
    }

    @Override
    public double floatQuality() {
        return floatQuality;
    }

    @Override
    public boolean usesAuc() {
        return data.kind() == TaskKind.AD;
    }

    @Override
    public SearchSpace space() {
        return space;
    }

    /** The weight memory of the target (a property of the target, read off any workload's footprint). */
    @Override
    public long targetWeightMemoryBytes() {
        return HwCostModel.weightCapacityBytes(model, target);
    }

    /** The scorer; with a null space it can load shards and score a given predictor, not candidates. */
    @Override
    public ExactScorer scorer(SearchSpace space) {
        return new ExactScorer(dataPathString(), splits, space == null ? null : codec(space),
                settings.quantization().calibration().method(), settings.quantization().needsInputStatistics(),
                model.sha256(), dataSha256(), target.dataDependent() ? HwCostModel.statisticsLayers(model) : null,
                settings.engine());
    }

    @Override
    public Optional<double[][][]> channelErrorEnergy(SearchSpace space) {
        return Optional.of(ChannelErrorEnergy.of(model, space, new SampleSubset(data, splits.calibration())));
    }

    @Override
    public CostModel costModel(SearchSpace space) {
        return new HwCostModel(model, codec(space), target);
    }
}
