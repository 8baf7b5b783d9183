package io.bitsweep.search.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.spark.SparkSessions;
import io.bitsweep.search.store.SplitsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * A short real search (IC ResNet-8, exact evaluator, local[2], 2 shards, stratified splits, racing, profile and
 * solver seeds on): every front point's best/&lt;id&gt;.json, given to {@code bitsweep eval --assignment} with the
 * run's splits.json, prints exactly the accuracy the archive holds. Also with every post-training method on (GPTQ
 * rounding, bias correction, hessian clipping, output calibration), whose rows the search's executors keep in a table
 * and eval computes afresh.
 */
class BestAssignmentsReproduceTest {
    static final String IC = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "assets:data/ic01"
              hw.target = mpic
              population = 6
              generations = 1
              shards = 2
              splits.calibration.samples = 16
              splits.evaluation.samples = 40
              profile.samples = 20
              constraints.max-accuracy-drop = -1
            }""";

    @ParameterizedTest
    @ValueSource(strings = {"", "bitsweep.search.quantization { weight-rounding = gptq, bias-correction = true, "
            + "weight-scales = hessian, calibration = output }"})
    void everyFrontPointReproducesWithEvalAssignment(String quantization, @TempDir Path dir) {
        searchAndReproduce(IC + "\n" + quantization, dir, Assets.resolve("models/ic/pretrainedResnet.tflite"),
                Assets.resolve("data/ic01"), 2);
    }

    /**
     * Runs the search of {@code conf} into {@code dir/run}, then {@code bitsweep eval --assignment} with the run's
     * splits.json on each of its at least {@code minFront} front points: each prints the accuracy the archive holds,
     * with the assignment's provenance.
     */
    static void searchAndReproduce(String conf, Path dir, Path model, Path data, int minFront) {
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(conf), List.of(), null);
        SparkSession spark = SparkSessions.create("local[2]", List.of(), false);
        SearchJob.Result r;
        try {
            r = SearchJob.run(s, new SearchJob.Options(dir.resolve("run").toString(), false, null, false, spark),
                    SearchListener.NONE);
        } finally {
            spark.stop();
        }
        assertTrue(r.archive().size() >= minFront, "front of " + r.archive().size());
        for (Scored p : r.archive().points()) {
            CommandLine cl = BitSweepCli.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int code = cl.execute("eval", "--model", model.toString(), "--data", data.toString(),
                    "--splits", dir.resolve("run/" + SplitsFile.NAME).toString(),
                    "--assignment", dir.resolve("run/best/" + p.id() + ".json").toString());
            assertEquals(0, code, err.toString());
            String expected = String.format(Locale.ROOT, "accuracy: %.4f (%d/%d)", p.fitness().quality(),
                    p.fitness().correct(), p.fitness().samples());
            assertEquals(expected, out.toString().strip(), p.id());
            assertTrue(err.toString().contains("eval: assignment provenance: run_id="), err.toString());
        }
    }
}
