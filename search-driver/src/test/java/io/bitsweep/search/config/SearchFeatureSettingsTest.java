package io.bitsweep.search.config;

import static io.bitsweep.search.config.SearchConfigLoaderTest.error;
import static io.bitsweep.search.config.SearchConfigLoaderTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The splits, racing, profile and solver keys: defaults, the mode-word shorthand, and every bad value named. */
class SearchFeatureSettingsTest {
    static final String BASE = "bitsweep.search { model = m.tflite, data = d }";

    @Test
    void defaultsAreStratifiedDisjointSplitsRacingProfileAndSolver() {
        SearchSettings s = load(BASE);
        assertEquals(SplitSettings.Selection.STRATIFIED, s.splits().selection());
        assertTrue(s.splits().disjoint());
        assertEquals(new SplitSettings.Part(0, -1, 200), s.splits().calibration());
        assertEquals(RacingSettings.Mode.AUTO, s.racing().mode());
        assertEquals(1.0, s.racing().stages().get(s.racing().stages().size() - 1));
        assertTrue(s.profile().enabled());
        assertTrue(s.solver().enabled());
    }

    @Test
    void aModeWordStandsForTheWholeBlockWithItsDefaults() {
        SearchSettings s = load(BASE, "racing=off", "profile=off", "solver=off");
        assertEquals(RacingSettings.Mode.OFF, s.racing().mode());
        assertEquals(load(BASE).racing().stages(), s.racing().stages());
        assertFalse(s.profile().enabled());
        assertFalse(s.solver().enabled());
        SearchSettings block = load(BASE, "racing.stages=[0.5, 1]", "racing.mode=on");
        assertEquals(List.of(0.5, 1.0), block.racing().stages());
        assertEquals(RacingSettings.Mode.ON, block.racing().mode());
    }

    @Test
    void aRangeWithoutSamplesIsTakenAsItIs() {
        SearchSettings s = load(BASE, "splits.selection=range", "splits.calibration.count=20",
                "splits.evaluation.count=40");
        assertEquals(new SplitSettings.Part(0, 20, -1), s.splits().calibration());
        assertEquals(new SplitSettings.Part(0, 40, -1), s.splits().evaluation());
    }

    @Test
    void badValuesNameTheirKeyAndTheAllowedValues() {
        assertTrue(error(BASE, "racing=maybe").contains("bitsweep.search.racing: bad value 'maybe' (allowed: auto, on, "
                + "off)"));
        assertTrue(error(BASE, "racing.mode=yes").startsWith("bitsweep.search.racing.mode: bad value 'yes'"));
        assertTrue(error(BASE, "racing.stages=[0.5, 0.9]").startsWith("bitsweep.search.racing.stages: must end with 1"));
        assertTrue(error(BASE, "racing.stages=[0.5, 0.2, 1]").contains("must increase"));
        assertTrue(error(BASE, "racing.confidence=1").startsWith("bitsweep.search.racing.confidence: must be in [0.5, 1)"));
        assertTrue(error(BASE, "profile.samples=0").startsWith("bitsweep.search.profile.samples: must be > 0 or -1"));
        assertTrue(error(BASE, "solver=sometimes").contains("bitsweep.search.solver: bad value 'sometimes' (allowed: on, "
                + "off)"));
        assertTrue(error(BASE, "solver.memory-budgets=[0.5, 1.5]")
                .startsWith("bitsweep.search.solver.memory-budgets: fractions in (0, 1]"));
        assertTrue(error(BASE, "solver.deterministic-time=0").contains("solver.deterministic-time: must be > 0"));
        assertTrue(error(BASE, "solver.extend-step=1").contains("bitsweep.search.solver.extend-step: a factor in [0, 1), "
                + "0 for no budgets below memory-budgets (got 1.0)"));
        assertTrue(error(BASE, "splits.selection=random").contains("bitsweep.search.splits.selection: bad value "
                + "'random' (allowed: stratified, range)"));
        assertTrue(error(BASE, "splits.evaluation.samples=-5")
                .startsWith("bitsweep.search.splits.evaluation.samples: must be > 0 or -1"));
        assertTrue(error(BASE, "splits.selection=range", "splits.calibration.samples=50")
                .startsWith("bitsweep.search.splits.calibration.samples: only with splits.selection = stratified"));
        assertTrue(error(BASE, "splits.disjoint=maybe").contains("splits.disjoint"));
        assertTrue(error(BASE, "prescreen=always").contains("bitsweep.search.prescreen: bad value 'always' (allowed: "
                + "auto, on, off)"));
        assertTrue(error(BASE, "prescreen.factor=1").startsWith("bitsweep.search.prescreen.factor: must be at least 2"));
        assertEquals("bitsweep.search.prescreen.mode: missing: 'prescreen = <mode>' followed by 'prescreen.<key> = ...' "
                + "replaces the mode; write 'prescreen.mode = <mode>' instead",
                error(BASE, "prescreen=on", "prescreen.factor=5"));
    }
}
