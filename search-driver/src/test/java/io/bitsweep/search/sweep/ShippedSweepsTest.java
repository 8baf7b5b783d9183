package io.bitsweep.search.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.search.config.SearchSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every shipped sweep config loads, and every cell's search settings are valid (no typo surfaces hours in). */
class ShippedSweepsTest {
    static final Path REPO = Path.of(System.getProperty("bitsweep.repo", ".."));

    @Test
    void everyShippedSweepExpandsToValidCells() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(REPO.resolve("conf/sweeps"))) {
            files = s.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            SweepConfig config = SweepConfig.load(f);
            for (SweepCell cell : config.cells()) {
                SearchSettings s = cell.settings();
                assertEquals(cell.target(), s.hwTarget(), cell.id());
                assertEquals(cell.seed(), s.seed(), cell.id());
            }
        }
    }

    /** The MLPerf Tiny sweep is the matrix the docs describe: 4 benchmarks x 2 targets x 3 spaces, BFP on one. */
    @Test
    void theMlperfTinySweepIsTheDocumentedMatrix() {
        SweepConfig config = SweepConfig.load(REPO.resolve("conf/sweeps/mlperf-tiny.conf"));
        List<SweepCell> cells = config.cells();
        assertEquals(20, cells.size());
        assertEquals("ic/mpic/channel-wise/seed-1", cells.get(0).id());
        assertTrue(cells.stream().filter(c -> c.space().name().equals("bfp"))
                .allMatch(c -> c.target().equals("bfp-16x16-os")));
        assertEquals("layer-wise", config.referenceSpace());
        for (SweepCell c : cells) {
            SearchSettings s = c.settings();
            assertEquals(16, s.population(), c.id());
            assertEquals(4, s.generations(), c.id());
        }
    }
}
