package io.bitsweep.search.simulated;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.engine.fp.FloatEngine;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.tflite.TfliteImporter;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Targets;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.data.SearchData;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.problem.ProblemFactory;
import io.bitsweep.search.problem.SearchProblem;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.space.LayerInfo;
import io.bitsweep.search.space.SearchSpace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code simulated} evaluator: weights quantized channel by channel with the candidate's formats (number formats
 * of io.bitsweep.eval), inference in float (activations are not quantized: their formats only change the cost), and
 * hw-sim for cycles and energy. It is the real model on the real data, but not the bit-exact engine; the bit-exact
 * evaluator ("exact") plugs in through the same {@link SearchProblem} interface.
 */
public final class SimulatedProblem implements SearchProblem {
    private final SearchSettings settings;
    private final Model model;
    private final byte[] modelBytes;
    private final Dataset data;
    private final Target target;
    private final int from;
    private final int to;
    private final double floatQuality;

    public static final class Factory implements ProblemFactory {
        @Override
        public String name() {
            return "simulated";
        }

        @Override
        public SearchProblem open(SearchSettings settings) {
            return new SimulatedProblem(settings);
        }
    }

    SimulatedProblem(SearchSettings s) {
        this.settings = s;
        Path modelPath = resolve(s.model(), "model");
        String dataPath = SearchData.resolve(s.data(), SearchSettings.ROOT + ".data");
        try {
            this.modelBytes = Files.readAllBytes(modelPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + modelPath + ": " + e.getMessage(), e);
        }
        this.model = TfliteImporter.read(modelBytes, modelPath.toString());
        this.data = SearchData.open(dataPath);
        this.target = target(s);
        this.from = s.evaluation().offset();
        this.to = s.evaluation().end(data.size());
        if (from >= to) {
            throw new BitSweepException(SearchSettings.ROOT + ".splits.evaluation: offset " + from
                    + " leaves no samples of the " + data.size() + " in " + dataPath);
        }
        int modelInput = (int) model.input().elementCount();
        if (modelInput != data.inputSize()) {
            throw new BitSweepException("model " + modelPath + " takes " + modelInput + " input values but data "
                    + dataPath + " gives " + data.inputSize() + " per sample: model and data do not match");
        }
        this.floatQuality = measureFloatQuality();
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

    private double measureFloatQuality() {
        SimulatedScorer scorer = new SimulatedScorer(dataPathString(), from, to, null, model.sha256());
        SimulatedScorer.Shard all = scorer.loadShard(0, 1);
        var tally = SimulatedScorer.score(0, FloatEngine.compile(model), all);
        return usesAuc() ? io.bitsweep.search.problem.Auc.of(tally.scores(), tally.labels())
                : (double) tally.correct() / tally.samples();
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
    public double floatQuality() {
        return floatQuality;
    }

    @Override
    public boolean usesAuc() {
        return data.kind() == TaskKind.AD;
    }

    @Override
    public long targetWeightMemoryBytes() {
        return new HwCostModel(model, SearchSpace.of(settings, layers()), target).weightCapacityBytes();
    }

    @Override
    public ShardScorer<?> scorer(SearchSpace space) {
        return new SimulatedScorer(dataPathString(), from, to, space, model.sha256());
    }

    @Override
    public CostModel costModel(SearchSpace space) {
        return new HwCostModel(model, space, target);
    }
}
