package io.bitsweep.search.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.data.TinyDataset;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.splits.SampleSplits;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executors' shard loader: whatever the storage (.bin directory, Arrow shard directory) and however many shards,
 * every evaluation position holds its sample (the id the evaluation order puts there), with its label and the model
 * inputs the data set itself decodes, once over all shards; the shard keeps the samples' raw bytes, not floats.
 */
class ShardLoadingTest {
    private static final String CONF = """
            bitsweep.search {
              model = "assets:models/ic/pretrainedResnet.tflite"
              data = "%s"
              hw.target = mpic
              splits.calibration.samples = 10
              splits.evaluation.samples = 60
            }""";

    @Test
    void everyPositionHoldsItsSampleFromBinsAndFromShards(@TempDir Path tmp) {
        Path bins = Assets.resolve("data/ic01");
        Path shards = tmp.resolve("ic01-shards");
        ShardConverter.convert(Datasets.open(bins), shards, 16, false);
        TinyDataset whole = Datasets.open(bins);
        for (Path data : List.of(bins, shards)) {
            SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(CONF.formatted(data)), List.of(),
                    null);
            ExactProblem problem = new ExactProblem(s, Optional.empty());
            SampleSplits splits = problem.splits();
            int[] order = splits.evaluationOrder();
            assertEquals(60 * 3072L, problem.evaluationBytes());
            ExactScorer scorer = problem.scorer(problem.space());
            for (int count : new int[] {1, 3, 7}) {
                boolean[] seen = new boolean[order.length];
                for (int k = 0; k < count; k++) {
                    ExactScorer.Shard shard = scorer.loadShard(k, count);
                    assertArrayEquals(SampleSplits.shardPositions(k, count, order), shard.positions());
                    for (int i = 0; i < shard.size(); i++) {
                        int p = shard.positions()[i];
                        int id = order[p];
                        String where = data.getFileName() + ", shard " + k + " of " + count + ", position " + p;
                        assertEquals(id, shard.ids()[i], where);
                        assertEquals(whole.label(id), shard.label(i), where);
                        assertEquals(3072, shard.raw()[i].length, where + ": the raw u8 pixels are kept");
                        float[] expected = new float[whole.inputSize()];
                        float[] actual = new float[shard.inputSize()];
                        whole.input(id, 0, expected);
                        shard.input(i, 0, actual);
                        assertArrayEquals(expected, actual, where);
                        seen[p] = true;
                    }
                }
                assertEquals(order.length, IntStream.range(0, seen.length).filter(p -> seen[p]).count(),
                        "every position once over " + count + " shards");
            }
        }
    }

    @Test
    void moreShardsThanConfiguredWhenTheSplitExceedsShardBytes() {
        SearchSettings s = SearchConfigLoader.load(ConfigFactory.parseString(CONF.formatted("assets:data/ic01")),
                List.of("shards=4", "shard-bytes=1m"), null);
        assertEquals(4, s.shardsFor(0));
        assertEquals(4, s.shardsFor(4L << 20));
        assertEquals(5, s.shardsFor((4L << 20) + 1));
        SearchSettings defaults = SearchConfigLoader.load(
                ConfigFactory.parseString(CONF.formatted("assets:data/ic01")), List.of(), null);
        assertEquals(113, defaults.shardsFor(50_000L * 150_528), "ImageNet's validation set at 224x224x3 u8, 64 MiB");
    }
}
