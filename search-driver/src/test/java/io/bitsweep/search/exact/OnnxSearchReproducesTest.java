package io.bitsweep.search.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.search.OnnxTestModels;
import io.bitsweep.search.SearchJob;
import io.bitsweep.search.cli.BitSweepCli;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.spark.SparkSessions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 15, "Search": a search on an ONNX model (an NCHW CNN with a depthwise conv, explicit pads, Relu/Clip, global
 * pool and Gemm; VWW data; exact evaluator on local[2] with 2 shards, so the model is broadcast as bytes) runs end to
 * end, and {@code bitsweep eval --assignment} reproduces every front point's accuracy from the .onnx file.
 */
class OnnxSearchReproducesTest {

    @Test
    void everyFrontPointOfAnOnnxSearchReproducesWithEvalAssignment(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("vww_cnn.onnx");
        Files.write(model, OnnxTestModels.vwwCnn().toByteArray());
        String conf = """
                bitsweep.search {
                  model = "%s"
                  data = "assets:data/vww01"
                  hw.target = mpic
                  population = 6
                  generations = 1
                  shards = 2
                  splits.calibration { offset = 10, count = 16 }
                  splits.evaluation { offset = 40, count = 40 }
                  constraints.max-accuracy-drop = -1
                }""".formatted(model.toString().replace("\\", "/"));
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(conf), List.of(), null);
        SparkSession spark = SparkSessions.create("local[2]", List.of(), false);
        SearchJob.Result r;
        try {
            r = SearchJob.run(s, new SearchJob.Options(dir.resolve("run").toString(), false, null, false, spark),
                    SearchListener.NONE);
        } finally {
            spark.stop();
        }
        assertTrue(r.archive().size() >= 1, "front of " + r.archive().size());
        for (Scored p : r.archive().points()) {
            CommandLine cl = BitSweepCli.commandLine();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int code = cl.execute("eval", "--model", model.toString(),
                    "--data", Assets.resolve("data/vww01").toString(), "--offset", "40", "--limit", "40",
                    "--calibration-offset", "10", "--calibration-samples", "16",
                    "--assignment", dir.resolve("run/best/" + p.id() + ".json").toString());
            assertEquals(0, code, err.toString());
            String expected = String.format(Locale.ROOT, "accuracy: %.4f (%d/%d)", p.fitness().quality(),
                    p.fitness().correct(), p.fitness().samples());
            assertEquals(expected, out.toString().strip(), p.id());
        }
    }
}
