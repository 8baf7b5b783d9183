package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.fuzz.ReaderProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz target: the MLPerf Tiny labels reader ({@link LabelsCsv#parse}) and the task detection that follows it. A
 * file that loads lists each sample once with a label in 0..classes-1.
 */
class LabelsCsvFuzzTest {
    private static final Path FILE = Path.of("fuzz", LabelsCsv.NAME);
    private static final String[] ASSET_SETS = {"ic01", "kws01", "kws01_td_samples", "vww01", "ad01"};

    static Stream<Arguments> seeds() {
        Stream<Arguments> generated = Stream.of(
                "a.bin,10,3\nb.bin,10,0\n", "a.bin, 12, 11\r\nb.bin, 12, 0\r\n", "x.bin,2,1,2560,512\ny.bin,2,0,2560,512",
                "a.bin,2,1\n\nb.bin,2,0\n")
                .map(csv -> Arguments.of(Named.of(csv.strip(), csv.getBytes(StandardCharsets.UTF_8))));
        Stream<Arguments> assets = Stream.of(ASSET_SETS).map(set -> {
            Path file = Assets.dir().resolve("data").resolve(set).resolve(LabelsCsv.NAME);
            try {
                return Arguments.of(Named.of(set, Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return Stream.concat(generated, assets);
    }

    @Timeout(10)
    @MethodSource("seeds")
    @FuzzTest
    void read(byte[] bytes) throws Exception {
        ReaderProperty.check(bytes.length, () -> {
            LabelsCsv labels = LabelsCsv.parse(bytes, FILE);
            assertEquals(labels.files().size(), labels.labels().length);
            assertEquals(labels.files().size(), labels.files().stream().distinct().count());
            for (int label : labels.labels()) {
                assertTrue(label >= 0 && label < labels.classes(), "label " + label + " of " + labels.classes());
            }
            MlperfTinyDir.detect(labels);
        }, FILE.toString());
    }
}
