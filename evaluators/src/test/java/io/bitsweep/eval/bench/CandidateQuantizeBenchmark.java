package io.bitsweep.eval.bench;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.Calibrator;
import io.bitsweep.eval.quant.LayerInputStatistics;
import io.bitsweep.eval.quant.QuantSettings;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.quant.WeightRows;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one search candidate's quantization costs (docs/PERFORMANCE.md, "Weight rounding per candidate"): the IC
 * ResNet-8 float model, a seeded random per-channel mix of int8/int4/int2/pruned weights and int8 activations
 * ({@link Assignment#randomMixed}, 16 of them in turn), quantized into the exact engine's program by
 * {@link Quantizer#quantize(Model, Assignment, String, Calibrator.Observations, WeightRows)} from observations and
 * input statistics of ic01's first 32 images. {@code rows = table}: the candidates share one table of rows, built
 * before measuring, as a search's executor does; {@code rows = fresh}: every candidate rounds its rows anew (what
 * a search would pay without the table). Run: {@code bin/bench CandidateQuantizeBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class CandidateQuantizeBenchmark {
    @Param({"nearest-minmax", "nearest-mse", "gptq-mse-bc", "gptq-hessian-bc"})
    public String method;

    @Param({"table", "fresh"})
    public String rows;

    Model model;
    Assignment[] candidates;
    Calibrator.Observations observations;
    LayerInputStatistics statistics;
    WeightRows table;
    int next;

    @Setup
    public void setup() {
        model = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
        Dataset ic01 = Datasets.open(Assets.resolve("data/ic01"));
        String[] m = method.split("-");
        QuantSettings s = QuantSettings.DEFAULT
                .withWeightRounding(QuantSettings.WeightRounding.valueOf(m[0].toUpperCase()))
                .withWeightScales(QuantSettings.WeightScales.valueOf(m[1].toUpperCase()))
                .withBiasCorrection(m.length > 2);
        candidates = new Assignment[16];
        for (int i = 0; i < candidates.length; i++) {
            candidates[i] = Assignment.randomMixed(model, i).withSettings(s);
        }
        observations = Calibrator.observe(model, ic01, 0, 32, s.calibration().method());
        statistics = s.needsInputStatistics() ? LayerInputStatistics.gather(model, ic01, 0, 32) : null;
        table = WeightRows.memoized(model, statistics);
        for (Assignment a : candidates) {
            Quantizer.quantize(model, a, "candidate", observations, table);
        }
    }

    @Benchmark
    public Object quantizeOneCandidate() {
        Assignment a = candidates[next++ % candidates.length];
        WeightRows r = rows.equals("table") ? table : WeightRows.memoized(model, statistics);
        return Quantizer.quantize(model, a, "candidate", observations, r);
    }
}
