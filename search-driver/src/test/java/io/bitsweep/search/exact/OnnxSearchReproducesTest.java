package io.bitsweep.search.exact;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.search.OnnxTestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                  splits.calibration.samples = 16
                  splits.evaluation.samples = 40
                  profile.samples = 20
                  constraints.max-accuracy-drop = -1
                }""".formatted(model.toString().replace("\\", "/"));
        BestAssignmentsReproduceTest.searchAndReproduce(conf, dir, model, Assets.resolve("data/vww01"), 1);
    }
}
