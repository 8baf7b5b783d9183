package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ShardSetDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad data through the CLI: each is one line "error: ..." naming the problem, and exit code 1. The broken data sets
 * are made from a few real IC files copied into a temp directory.
 */
class DataCliTest {
    @TempDir
    Path tmp;
    Path ic;

    @BeforeEach
    void smallIcSet() throws IOException {
        Path src = Assets.dir().resolve("data/ic01");
        ic = Files.createDirectory(tmp.resolve("ic-small"));
        List<String> rows = Files.readAllLines(src.resolve("y_labels.csv")).subList(0, 5);
        for (String row : rows) {
            String file = row.split(",")[0];
            Files.copy(src.resolve(file), ic.resolve(file));
        }
        Files.write(ic.resolve("y_labels.csv"), rows);
    }

    private CliRun convert(Path in, Path out) {
        return CliRun.run(new DataCommand(), "convert", "--from", "mlperf-tiny", "--in", in.toString(),
                "--out", out.toString(), "--shard-size", "2");
    }

    private CliRun eval(Path data) {
        return CliRun.run(new EvalCommand(), "--model",
                Assets.resolve("models/ic/pretrainedResnet.tflite").toString(), "--data", data.toString());
    }

    private static void assertError(CliRun r, String... fragments) {
        assertError(CliErrors.EXIT_FAILURE, r, fragments);
    }

    private static void assertError(int exit, CliRun r, String... fragments) {
        assertEquals(exit, r.exit(), r.err());
        assertTrue(r.oneLineError(), r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' not in: " + r.err());
        }
        assertEquals("", r.out());
    }

    @Test
    void convertWritesShardsAndReportsThem() {
        Path out = tmp.resolve("shards");
        CliRun r = convert(ic, out);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote 5 IC samples in 3 shards to " + out), r.out());
        assertEquals(3, ShardSetDataset.open(out).shardCount());
        assertEquals(Datasets.open(ic).sha256(), Datasets.open(out).sha256());
    }

    @Test
    void convertFromIdxWritesTheSplitWithItsPreprocessingAndEvalReadsItLikeTheFiles() throws IOException {
        Path out = tmp.resolve("fmnist");
        Path idx = Path.of(System.getProperty("bitsweep.fashion-mnist.data", "/usr/share/datasets/fashion-mnist"));
        CliRun r = CliRun.run(new DataCommand(), "convert", "--from", "idx", "--in", idx.toString(), "--split", "t10k",
                "--out", out.toString(), "--shard-size", "2500");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("wrote 10000 FMNIST samples in 4 shards to " + out), r.out());
        String manifest = Files.readString(out.resolve("manifest.json"));
        assertTrue(manifest.contains("\"source\" : \"idx\"") && manifest.contains("\"preprocessing\" : \"u8 28x28 "
                + "padded with 2 zero pixels on each side to 32x32x1, then / 255\""), manifest);
        Path model = Assets.dir().resolveSibling("fashion-mnist").resolve("fmnist_resnet8_float.tflite");
        Path file = idx.resolve("t10k-images-idx3-ubyte.gz");
        CliRun shards = CliRun.run(new EvalCommand(), "--model", model.toString(), "--data", out.toString(),
                "--limit", "300");
        CliRun files = CliRun.run(new EvalCommand(), "--model", model.toString(), "--data", file.toString(),
                "--limit", "300");
        assertEquals(0, files.exit(), files.err());
        assertEquals(files.out(), shards.out());
        assertTrue(files.err().contains("300 FMNIST samples"), files.err());

        assertError(CliRun.run(new DataCommand(), "convert", "--from", "idx", "--in", idx.toString(), "--out",
                tmp.resolve("x").toString(), "--shard-size", "10"), "holds 2 IDX splits (t10k, train)");
        assertError(CliRun.run(new DataCommand(), "convert", "--from", "idx", "--in", idx.toString(), "--split", "val",
                "--out", tmp.resolve("x").toString(), "--shard-size", "10"), "has no IDX split 'val'");
        assertError(CliErrors.EXIT_USAGE, CliRun.run(new DataCommand(), "convert", "--from", "csv", "--in", idx.toString(), "--out",
                tmp.resolve("x").toString(), "--shard-size", "10"), "--from 'csv' is not supported (allowed: "
                + "mlperf-tiny, idx, image-folder)");
        assertError(CliErrors.EXIT_USAGE, CliRun.run(new DataCommand(), "convert", "--from", "mlperf-tiny", "--in",
                ic.toString(), "--split",
                "t10k", "--out", tmp.resolve("x").toString(), "--shard-size", "10"), "--split applies to --from idx");
        assertError(CliRun.run(new DataCommand(), "convert", "--from", "idx", "--in", ic.toString(), "--out",
                tmp.resolve("x").toString(), "--shard-size", "10"), "holds no IDX images file");
    }

    @Test
    void missingDataDirectory() {
        assertError(eval(tmp.resolve("nope")), "data directory", "nope", "does not exist");
        assertError(convert(tmp.resolve("nope"), tmp.resolve("out")), "does not exist");
    }

    @Test
    void labelCountNotMatchingTheFiles() throws IOException {
        Files.delete(ic.resolve("toy_spaniel_s_000285.bin"));
        assertError(eval(ic), "y_labels.csv lists 5 files but", "has 4 .bin files", "missing: toy_spaniel_s_000285.bin");
    }

    @Test
    void unlistedBinFile() throws IOException {
        Files.write(ic.resolve("extra.bin"), new byte[3072]);
        assertError(eval(ic), "not listed: extra.bin");
    }

    @Test
    void truncatedBin() throws IOException {
        Path f = ic.resolve("toy_spaniel_s_000285.bin");
        Files.write(f, Arrays.copyOf(Files.readAllBytes(f), 3000));
        assertError(eval(ic), "toy_spaniel_s_000285.bin has 3000 bytes, expected 3072 for IC", "truncated");
    }

    @Test
    void unknownLayout() throws IOException {
        Files.writeString(ic.resolve("y_labels.csv"), Files.readString(ic.resolve("y_labels.csv")).replace(",10,", ",11,"));
        assertError(eval(ic), "unknown MLPerf Tiny layout: 11 classes", "known: IC 10 classes");
    }

    @Test
    void neitherBinDirectoryNorShards() {
        assertError(eval(tmp), "is not a data set", "y_labels.csv", "manifest.json");
    }

    @Test
    void badConvertOptions() {
        assertError(CliErrors.EXIT_USAGE, CliRun.run(new DataCommand(), "convert", "--from", "imagenet", "--in",
                ic.toString(), "--out", tmp.resolve("o").toString(), "--shard-size", "2"), "--from 'imagenet'",
                "allowed: mlperf-tiny");
        assertError(CliRun.run(new DataCommand(), "convert", "--from", "mlperf-tiny", "--in", ic.toString(),
                "--out", tmp.resolve("o").toString(), "--shard-size", "0"), "--shard-size must be at least 1");
    }
}
