package io.bitsweep.search.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.data.DataSha;
import io.bitsweep.eval.data.ImageLayout;
import io.bitsweep.eval.data.PixelScaling;
import io.bitsweep.eval.data.ShardConverter;
import io.bitsweep.eval.data.TinyDataset;
import io.bitsweep.search.OnnxTestModels;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "Streaming shards": a search whose data is three times an executor's heap finishes on a real standalone
 * cluster (2 workers of 1 core) with 512 MB executors and a 512 MB driver. The data is 11,000 generated 224x224x3 u8
 * images (1.66 GB) as Arrow shards of 256 images; the model pools 16x16 first, so scoring is cheap and the test is
 * about memory. The executors cannot cache it all: the evaluator's log says how many shards stayed in memory, and the
 * test checks that some did not (the rest are read again for each job), so the data really exceeded the heaps.
 *
 * <p>512 MB is above Spark's floor for an executor heap (1.5 times its 300 MB reserve, 450 MB), so no
 * {@code spark.testing.memory} is needed: these are the heaps a user would configure.
 */
class SmallExecutorSearchTest {
    private static final int SIDE = 224;
    private static final int IMAGES = 11_000;
    private static final long HEAP = 512L << 20;
    private static final Pattern CACHED = Pattern.compile("(\\d+) of (\\d+) shards cached");

    /** Images made on the fly, so the test JVM never holds the set: 16 random pictures, each copy stamped with its id. */
    private static final class GeneratedImages extends TinyDataset {
        private final byte[][] pictures = new byte[16][];
        private String sha256;

        GeneratedImages() {
            super(new ImageLayout(SIDE, SIDE, 3, 10, new PixelScaling(255f, new float[] {0.5f, 0.5f, 0.5f},
                    new float[] {0.25f, 0.25f, 0.25f})));
            Random r = new Random(16);
            for (int i = 0; i < pictures.length; i++) {
                pictures[i] = new byte[layout.sampleBytes()];
                r.nextBytes(pictures[i]);
            }
        }

        @Override
        public ByteBuffer raw(int sample) {
            byte[] b = pictures[sample % pictures.length].clone();
            ByteBuffer.wrap(b).putInt(0, sample);
            return ByteBuffer.wrap(b).asReadOnlyBuffer();
        }

        @Override
        public int size() {
            return IMAGES;
        }

        @Override
        public String id(int sample) {
            return String.format("img-%05d.png", sample);
        }

        @Override
        public int label(int sample) {
            return sample / pictures.length % 10;
        }

        @Override
        public String sha256() {
            if (sha256 == null) {
                sha256 = DataSha.of(this);
            }
            return sha256;
        }
    }

    @Test
    void aSearchOverThreeTimesTheExecutorHeapFinishesWith512MbExecutors(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("images");
        ShardConverter.convert(new GeneratedImages(), data, 256, false);
        long bytes;
        try (Stream<Path> files = Files.list(data)) {
            bytes = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(bytes > 3 * HEAP, "the data (" + bytes + " bytes) must be several executor heaps");
        Path model = tmp.resolve("pooled.onnx");
        Files.write(model, OnnxTestModels.pooledClassifier(SIDE).toByteArray());
        Path conf = tmp.resolve("search.conf");
        Files.writeString(conf, """
                bitsweep.search {
                  model = "%s"
                  data = "%s"
                  hw.target = mpic
                  population = 2
                  generations = 1
                  shards = 2
                  shard-bytes = 32m
                  splits.calibration.samples = 16
                  splits.evaluation.samples = -1
                  constraints.max-accuracy-drop = -1
                  profile.mode = off
                  solver.mode = off
                  racing { mode = on, stages = [0.5, 1.0] }
                }""".formatted(model, data));
        Path out = tmp.resolve("run");

        Path work = Files.createDirectories(tmp.resolve("cluster"));
        try (StandaloneCluster c = new StandaloneCluster(work, StandaloneClusterSearchTest.sparkHomeJars(), 2,
                Map.of())) {
            List<String> submit = StandaloneClusterSearchTest.submitArgs(tmp,
                    List.of("spark.executor.memory=" + (HEAP >> 20) + "m"));
            submit.addAll(List.of("--verbose", "search", "--config", conf.toString(), "--seed", "1", "--no-progress",
                    "--out", out.toString()));
            Path log = work.resolve("submit.log");
            // The driver is started with -Xmx512m too (StandaloneCluster): it reads labels and scores the float
            // model over the same data, shard by shard.
            int exit = c.submit(log, StandaloneClusterSearchTest.driverJvmFlags(), StandaloneClusterSearchTest.REPO,
                    Duration.ofSeconds(300), submit.toArray(String[]::new));
            String text = Files.readString(log);
            assertEquals(0, exit, () -> "spark-submit failed:\n" + StandaloneClusterSearchTest.tail(log));
            assertTrue(text.contains("front: "), () -> StandaloneClusterSearchTest.tail(log));
            List<int[]> cached = new ArrayList<>();
            for (Matcher m = CACHED.matcher(text); m.find(); ) {
                cached.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
            }
            assertTrue(!cached.isEmpty(), () -> "no evaluator log line:\n" + StandaloneClusterSearchTest.tail(log));
            int shards = cached.get(0)[1];
            long evaluationBytes = (long) (IMAGES - 16) * SIDE * SIDE * 3;
            assertEquals((evaluationBytes + (32 << 20) - 1) / (32 << 20), shards, "shards from shard-bytes");
            List<String> jobs = text.lines().filter(l -> CACHED.matcher(l).find()).toList();
            jobs.forEach(System.out::println); // what stayed cached, and the time per job, in the test's report
            assertTrue(cached.stream().allMatch(job -> job[0] < shards), () -> "every shard stayed cached: the data "
                    + "did not exceed the executors' memory\n" + String.join("\n", jobs));
        }
        assertTrue(Files.readString(out.resolve("front.csv")).lines().count() > 1, "a front");
    }
}
