package io.bitsweep.search.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.splits.SampleSplits;
import org.junit.jupiter.api.Test;

/** splits.json round-trips exactly, and a damaged one is a one-line error naming the file and the field. */
class SplitsFileTest {
    static final int[] LABELS = {0, 1, 0, 1, 0, 1, 0, 1};
    static final SampleSplits SPLITS = new SampleSplits("stratified", 3, 8, new int[] {1, 4}, new int[] {6, 3, 0, 7});

    static String error(String json) {
        return assertThrows(BitSweepException.class, () -> SplitsFile.read(json, "run/splits.json")).getMessage();
    }

    @Test
    void roundTripsWithClassCounts() {
        String json = SplitsFile.write(SPLITS, LABELS);
        assertEquals(SPLITS, SplitsFile.read(json, "run/splits.json"));
        assertTrue(json.contains("\"classes\" : {\n      \"0\" : 1,\n      \"1\" : 1\n    }"), json);
    }

    @Test
    void aDamagedFileIsNamedWithItsField() {
        String good = SplitsFile.write(SPLITS, LABELS);
        assertTrue(error("{").startsWith("run/splits.json: not valid JSON"));
        assertTrue(error("{\"schema\": \"x\"}").startsWith("run/splits.json: schema: expected bitsweep.splits/1"));
        assertEquals("run/splits.json: evaluation.order[0]: 9 is not a sample id (allowed: 0..7)",
                error(good.replace("\"order\" : [ 6", "\"order\" : [ 9")));
        assertEquals("run/splits.json: evaluation.order: a sample id is listed twice",
                error(good.replace("\"order\" : [ 6, 3", "\"order\" : [ 3, 3")));
        assertTrue(error(good.replace("\"data_samples\" : 8", "\"data_samples\" : 0"))
                .startsWith("run/splits.json: data_samples: expected the size of the data set"));
        assertTrue(error(good.replace("\"ids\" : [ 1, 4 ]", "\"ids\" : [ ]"))
                .startsWith("run/splits.json: calibration.ids: expected a non-empty array"));
    }
}
