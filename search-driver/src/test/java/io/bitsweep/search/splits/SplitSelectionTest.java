package io.bitsweep.search.splits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.TinyDataset;
import io.bitsweep.search.config.SearchConfigLoader;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.config.SplitSettings;
import io.bitsweep.search.data.SearchData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Seeded stratified splits, the evaluation order, and the errors that make split traps visible. */
class SplitSelectionTest {
    static final SplitSettings.Part ALL = new SplitSettings.Part(0, -1, -1);

    static SplitSettings stratified(int calibration, int evaluation) {
        return new SplitSettings(SplitSettings.Selection.STRATIFIED, 1, true,
                new SplitSettings.Part(0, -1, calibration), new SplitSettings.Part(0, -1, evaluation));
    }

    static TreeMap<Integer, Integer> classes(int[] ids, int[] labels) {
        TreeMap<Integer, Integer> out = new TreeMap<>();
        Arrays.stream(ids).forEach(id -> out.merge(labels[id], 1, Integer::sum));
        return out;
    }

    /** vww01's labels: its y_labels.csv lists every person first (the trap the issue names). */
    static int[] vwwLabels() {
        TinyDataset vww = Datasets.open(Assets.resolve("data/vww01"));
        return IntStream.range(0, vww.size()).map(vww::label).toArray();
    }

    @Test
    void stratifiedSplitsKeepTheClassMixAreDisjointAndAreTheSameForTheSameSeed() {
        int[] labels = vwwLabels();
        SampleSplits s = SplitSelection.select(stratified(100, -1), labels, "vww01");
        assertEquals(100, s.calibrationSize());
        assertEquals(labels.length - 100, s.evaluationSize());
        int[] cal = s.calibration();
        assertTrue(Arrays.stream(s.evaluationOrder()).noneMatch(id -> Arrays.binarySearch(cal, id) >= 0));
        TreeMap<Integer, Integer> all = classes(IntStream.range(0, labels.length).toArray(), labels);
        TreeMap<Integer, Integer> c = classes(cal, labels);
        for (int k : all.keySet()) {
            assertEquals(100.0 * all.get(k) / labels.length, c.get(k), 1.0, "class " + k + " of the calibration");
        }
        assertEquals(s, SplitSelection.select(stratified(100, -1), labels, "vww01"));
        SplitSettings other = new SplitSettings(SplitSettings.Selection.STRATIFIED, 2, true,
                new SplitSettings.Part(0, -1, 100), ALL);
        assertTrue(!Arrays.equals(cal, SplitSelection.select(other, labels, "vww01").calibration()));
    }

    @Test
    void everyPrefixOfTheEvaluationOrderHasTheClassMix() {
        int[] labels = vwwLabels();
        SampleSplits s = SplitSelection.select(stratified(100, -1), labels, "vww01");
        int[] order = s.evaluationOrder();
        TreeMap<Integer, Integer> whole = classes(order, labels);
        for (int prefix : new int[] {10, 90, 225, 450}) {
            TreeMap<Integer, Integer> c = classes(Arrays.copyOf(order, prefix), labels);
            for (int k : whole.keySet()) {
                assertEquals((double) prefix * whole.get(k) / order.length, c.get(k), 1.0, "prefix " + prefix);
            }
        }
    }

    @Test
    void shardsAreRunsOfTheIdsInStorageOrderAndEveryRacingPrefixReachesEachShard() {
        SampleSplits s = SplitSelection.select(stratified(100, -1), vwwLabels(), "vww01");
        int[] order = s.evaluationOrder();
        int[] sorted = s.evaluationSorted();
        int shards = 3;
        int[] covered = IntStream.range(0, shards).flatMap(i -> Arrays.stream(SampleSplits.shardPositions(i, shards,
                order))).sorted().toArray();
        assertArrayEquals(IntStream.range(0, order.length).toArray(), covered, "shards cover every position once");
        int next = 0;
        for (int shard = 0; shard < shards; shard++) {
            int[] positions = SampleSplits.shardPositions(shard, shards, order);
            assertTrue(IntStream.range(1, positions.length).allMatch(i -> positions[i - 1] < positions[i]),
                    "positions ascend");
            int[] ids = Arrays.stream(positions).map(p -> order[p]).sorted().toArray();
            assertArrayEquals(Arrays.copyOfRange(sorted, next, next + ids.length), ids, "shard " + shard + " is a run");
            assertEquals(order.length / (double) shards, ids.length, 1.0, "shard " + shard + " size");
            next += ids.length;
            // The first racing stage of a 450-sample split under the default 4 stages: 1/8 of it on every shard.
            long inPrefix = Arrays.stream(positions).filter(p -> p < order.length / 8).count();
            assertTrue(inPrefix > order.length / 8 / shards / 2, "shard " + shard + " has " + inPrefix
                    + " samples of the first stage");
        }
        int[][] six = IntStream.range(0, 6).mapToObj(k -> SampleSplits.shardPositions(k, 6, new int[] {4, 2}))
                .toArray(int[][]::new);
        assertEquals(List.of(0, 0, 1, 0, 0, 1), Arrays.stream(six).map(p -> p.length).toList(),
                "more shards than samples: some are empty");
        assertArrayEquals(new int[] {1}, six[2], "the lower id first");
    }

    @Test
    void everyShippedConfigScoresEveryClassOnSamplesItDidNotCalibrateOn() throws IOException {
        List<Path> configs;
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("bitsweep.repo", "..")).resolve("conf/search"))) {
            configs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(configs.size() >= 5, configs.toString());
        for (Path conf : configs) {
            SearchSettings s = SearchConfigLoader.load(conf, List.of(), null);
            TinyDataset data = SearchData.open(SearchData.resolve(s.data(), "data"));
            int[] labels = IntStream.range(0, data.size()).map(data::label).toArray();
            SampleSplits splits = SplitSelection.select(s.splits(), labels, s.data());
            String name = conf.getFileName().toString();
            assertTrue(s.splits().disjoint(), name);
            assertTrue(Arrays.stream(splits.calibration()).noneMatch(id -> Arrays.stream(splits.evaluationOrder())
                    .anyMatch(e -> e == id)), name + ": calibration and evaluation share samples");
            var all = classes(IntStream.range(0, labels.length).toArray(), labels).keySet();
            assertEquals(all, classes(splits.evaluationOrder(), labels).keySet(), name + " evaluation");
            assertEquals(all, classes(splits.calibration(), labels).keySet(), name + " calibration");
        }
    }

    @Test
    void theOldVwwRangeHoldsOneClassAndIsRefused() {
        SplitSettings old = new SplitSettings(SplitSettings.Selection.RANGE, 1, true,
                new SplitSettings.Part(0, 100, -1), new SplitSettings.Part(100, 300, -1));
        String msg = assertThrows(BitSweepException.class, () -> SplitSelection.select(old, vwwLabels(), "vww01"))
                .getMessage();
        assertTrue(msg.startsWith("bitsweep.search.splits.calibration: its 100 samples (0-99) hold only class 1 of "
                + "vww01"), msg);
    }

    @Test
    void overlappingRangesAreRefusedWhenSplitsMustBeDisjoint() {
        int[] labels = IntStream.range(0, 200).map(i -> i % 10).toArray();
        SplitSettings overlap = new SplitSettings(SplitSettings.Selection.RANGE, 1, true,
                new SplitSettings.Part(0, 50, -1), ALL);
        String msg = assertThrows(BitSweepException.class, () -> SplitSelection.select(overlap, labels, "ic01"))
                .getMessage();
        assertTrue(msg.startsWith("bitsweep.search.splits: calibration and evaluation share 50 samples (0-49)"), msg);
        SplitSettings allowed = new SplitSettings(SplitSettings.Selection.RANGE, 1, false,
                new SplitSettings.Part(0, 50, -1), ALL);
        SampleSplits s = SplitSelection.select(allowed, labels, "ic01");
        assertEquals(200, s.evaluationSize());
        assertArrayEquals(IntStream.range(0, 200).toArray(), s.evaluationSorted(), "a range is taken as it is");
    }

    @Test
    void drawingMoreThanTheRangeHoldsIsRefused() {
        int[] labels = IntStream.range(0, 200).map(i -> i % 10).toArray();
        String msg = assertThrows(BitSweepException.class,
                () -> SplitSelection.select(stratified(50, 151), labels, "ic01")).getMessage();
        assertTrue(msg.startsWith("bitsweep.search.splits.evaluation.samples: 151 asked, but its range holds 150 "
                + "samples (after calibration's) (allowed: 1..150 or -1 for all)"), msg);
        assertTrue(assertThrows(BitSweepException.class, () -> SplitSelection.select(stratified(200, -1), labels,
                "ic01")).getMessage().startsWith("bitsweep.search.splits.evaluation: no samples left"));
    }

    @Test
    void describeShowsRanges() {
        assertEquals("100-399", SplitSelection.describe(IntStream.range(100, 400).toArray()));
        assertEquals("1, 3, 5, 7, ...", SplitSelection.describe(new int[] {1, 3, 5, 7, 9}));
    }
}
