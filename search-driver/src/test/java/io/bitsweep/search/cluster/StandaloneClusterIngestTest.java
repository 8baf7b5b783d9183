package io.bitsweep.search.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.data.ShardManifest;
import io.bitsweep.eval.data.ShardSetDataset;
import io.bitsweep.eval.data.images.TestPictures;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingestion test at scale: 20,000 small generated JPEGs (10 class folders) converted by {@code bitsweep
 * data convert --from image-folder}, submitted through SparkSubmit to a real standalone master with 2 workers
 * (1 core each): the executors decode the pictures and write the shards, and the samples are the pictures, in folder
 * order, with their labels and their decoded pixels (ImageFolderCliTest checks the same conversion under local[2]
 * against eval on the pixels; decoding is the same code wherever it runs).
 */
class StandaloneClusterIngestTest {
    static final int CLASSES = 10;
    static final int PER_CLASS = 2000;

    @Test
    void twentyThousandPicturesConvertOnTheCluster(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path tmp)
            throws Exception {
        Path pictures = tmp.resolve("pictures");
        List<Path> files = TestPictures.classFolders(pictures, CLASSES, PER_CLASS, 16, 16, 20);
        String[] convert = {"data", "convert", "--from", "image-folder", "--in", pictures.toString(), "--crop", "16",
            "--shard-size", "1000"};
        Path cluster = tmp.resolve("cluster-shards");
        Path work = Files.createDirectories(tmp.resolve("cluster"));
        try (StandaloneCluster c = new StandaloneCluster(work, StandaloneClusterSearchTest.sparkHomeJars(), 2,
                Map.of())) {
            List<String> submit = StandaloneClusterSearchTest.submitArgs(tmp, List.of());
            submit.addAll(Arrays.asList(convert));
            submit.addAll(List.of("--out", cluster.toString()));
            Path log = work.resolve("submit.log");
            int exit = c.submit(log, StandaloneClusterSearchTest.driverJvmFlags(), StandaloneClusterSearchTest.REPO,
                    Duration.ofSeconds(300), submit.toArray(String[]::new));
            assertEquals(0, exit, () -> "spark-submit failed:\n" + StandaloneClusterSearchTest.tail(log));
            assertTrue(Files.readString(log).contains("wrote 20000 IMAGES samples in 20 shards to " + cluster),
                    () -> StandaloneClusterSearchTest.tail(log));
        }

        ShardManifest m = ShardManifest.read(cluster);
        assertEquals(CLASSES * PER_CLASS, m.samples());
        assertEquals(20, m.shards().size());
        assertEquals(0, m.skipped());
        ShardSetDataset d = ShardSetDataset.open(cluster);
        // every 97th sample and both ends: in folder order, with its label and its decoded pixels
        int n = d.size();
        for (int i : IntStream.concat(IntStream.iterate(0, k -> k < n, k -> k + 97), IntStream.of(n - 1)).toArray()) {
            assertEquals(String.format("class-%02d/img-%05d.jpg", i / PER_CLASS, i % PER_CLASS), d.id(i));
            assertEquals(i / PER_CLASS, d.label(i));
            ByteBuffer raw = d.raw(i);
            byte[] bytes = new byte[raw.remaining()];
            raw.get(bytes);
            assertArrayEquals(TestPictures.decodedPixels(files.get(i)), bytes, "sample " + i);
        }
    }
}
