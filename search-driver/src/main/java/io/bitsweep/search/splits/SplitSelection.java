package io.bitsweep.search.splits;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.config.SplitSettings;
import io.bitsweep.search.operators.Draws;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Chooses a search's calibration and evaluation samples from the data set's labels
 * ({@code bitsweep.search.splits}): a seeded draw class by class, or the offset/count ranges as they are. Then the
 * checks that make a split trap impossible to miss: a split of one class, overlapping splits when they must be
 * disjoint, a draw larger than its range.
 */
public final class SplitSelection {
    private static final String AT = SearchSettings.ROOT + ".splits";

    private SplitSelection() {}

    /**
     * @param labels the class of every sample of the data set, in y_labels.csv order (AD: 0 normal, 1 anomalous)
     * @param data   the data location, for messages
     */
    public static SampleSplits select(SplitSettings s, int[] labels, String data) {
        Draws draws = new Draws(s.seed());
        boolean stratified = s.selection() == SplitSettings.Selection.STRATIFIED;
        int[] calPool = range(s.calibration(), labels.length, "calibration", data);
        int[] calibration = stratified
                ? draw(calPool, s.calibration().samples(), labels, draws, Draws.Purpose.CALIBRATION_SPLIT, "calibration")
                : calPool;
        int[] evalPool = range(s.evaluation(), labels.length, "evaluation", data);
        if (s.disjoint() && stratified) {
            evalPool = Arrays.stream(evalPool).filter(id -> Arrays.binarySearch(calibration, id) < 0).toArray();
            if (evalPool.length == 0) {
                throw new BitSweepException(AT + ".evaluation: no samples left in its range once calibration took its "
                        + calibration.length + " (data " + data + ", " + labels.length + " samples): draw fewer "
                        + "calibration samples or widen the evaluation range");
            }
        }
        int[] evaluation = stratified
                ? draw(evalPool, s.evaluation().samples(), labels, draws, Draws.Purpose.EVALUATION_SPLIT, "evaluation")
                : evalPool;
        if (s.disjoint()) {
            int[] both = Arrays.stream(evaluation).filter(id -> Arrays.binarySearch(calibration, id) >= 0).toArray();
            if (both.length > 0) {
                throw new BitSweepException(AT + ": calibration and evaluation share " + both.length + " samples ("
                        + describe(both) + "), but splits.disjoint = true: move the ranges apart, use selection = "
                        + "stratified, or set splits.disjoint = false");
            }
        }
        checkClasses(calibration, labels, "calibration", data);
        checkClasses(evaluation, labels, "evaluation", data);
        return new SampleSplits(stratified ? "stratified" : "range", s.seed(), labels.length, calibration,
                order(evaluation, labels, draws));
    }

    private static int[] range(SplitSettings.Part p, int size, String name, String data) {
        int end = p.end(size);
        if (p.offset() >= end) {
            throw new BitSweepException(AT + "." + name + ": offset " + p.offset() + " leaves no samples of the "
                    + size + " in " + data);
        }
        int[] ids = new int[end - p.offset()];
        Arrays.setAll(ids, i -> p.offset() + i);
        return ids;
    }

    /**
     * {@code samples} ids of {@code pool} (all if -1), sorted: each class gets its share of the pool's class mix
     * (largest remainders, ties to the smaller class) and its members are a seeded random choice within the class.
     */
    static int[] draw(int[] pool, int samples, int[] labels, Draws draws, Draws.Purpose purpose, String name) {
        if (samples > pool.length) {
            throw new BitSweepException(AT + "." + name + ".samples: " + samples + " asked, but its range holds "
                    + pool.length + " samples" + (name.equals("evaluation") ? " (after calibration's)" : "")
                    + " (allowed: 1.." + pool.length + " or -1 for all)");
        }
        if (samples == -1 || samples == pool.length) {
            return pool.clone();
        }
        TreeMap<Integer, List<Integer>> byClass = byClass(pool, labels);
        int[] share = shares(byClass, pool.length, samples);
        List<Integer> out = new ArrayList<>(samples);
        int k = 0;
        for (var e : byClass.entrySet()) {
            List<Integer> members = shuffled(e.getValue(), draws.stream(0, e.getKey(), purpose));
            out.addAll(members.subList(0, share[k++]));
        }
        return out.stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** Per class (in class order), its share of {@code samples}: proportional, rounded by largest remainder. */
    private static int[] shares(TreeMap<Integer, List<Integer>> byClass, int total, int samples) {
        int[] share = new int[byClass.size()];
        double[] remainder = new double[share.length];
        int given = 0;
        int k = 0;
        for (List<Integer> members : byClass.values()) {
            double exact = (double) samples * members.size() / total;
            share[k] = (int) Math.floor(exact);
            remainder[k] = exact - share[k];
            given += share[k++];
        }
        while (given < samples) {
            int best = 0;
            for (int i = 1; i < share.length; i++) {
                if (remainder[i] > remainder[best]) {
                    best = i;
                }
            }
            share[best]++;
            remainder[best] = -1;
            given++;
        }
        return share;
    }

    /**
     * The evaluation order: each class's samples in a seeded random order, interleaved so that the i-th of a class
     * of n sits at (i + 0.5) / n along the order; every prefix then has the split's class mix, up to one sample
     * per class.
     */
    static int[] order(int[] evaluation, int[] labels, Draws draws) {
        record Slot(double at, int label, int id) {}
        List<Slot> slots = new ArrayList<>(evaluation.length);
        for (var e : byClass(evaluation, labels).entrySet()) {
            List<Integer> members = shuffled(e.getValue(), draws.stream(0, e.getKey(), Draws.Purpose.EVALUATION_ORDER));
            for (int i = 0; i < members.size(); i++) {
                slots.add(new Slot((i + 0.5) / members.size(), e.getKey(), members.get(i)));
            }
        }
        slots.sort((a, b) -> a.at != b.at ? Double.compare(a.at, b.at) : Integer.compare(a.label, b.label));
        return slots.stream().mapToInt(Slot::id).toArray();
    }

    private static TreeMap<Integer, List<Integer>> byClass(int[] ids, int[] labels) {
        TreeMap<Integer, List<Integer>> out = new TreeMap<>();
        for (int id : ids) {
            out.computeIfAbsent(labels[id], k -> new ArrayList<>()).add(id);
        }
        return out;
    }

    /** Fisher-Yates with the given stream. */
    private static List<Integer> shuffled(List<Integer> ids, SplittableRandom rnd) {
        List<Integer> out = new ArrayList<>(ids);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            Integer t = out.get(i);
            out.set(i, out.get(j));
            out.set(j, t);
        }
        return out;
    }

    private static void checkClasses(int[] ids, int[] labels, String name, String data) {
        TreeMap<Integer, List<Integer>> byClass = byClass(ids, labels);
        if (byClass.size() < 2) {
            throw new BitSweepException(AT + "." + name + ": its " + ids.length + " samples (" + describe(ids)
                    + ") hold only class " + byClass.firstKey() + " of " + data + ": a split of one class scores "
                    + "nothing (every candidate that predicts it is perfect); use selection = stratified or a range "
                    + "that holds every class");
        }
    }

    /** Sorted ids as compact ranges: "100-399", or "3, 7-9, 12, 20-25, ..." (at most four ranges shown). */
    static String describe(int[] ids) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < ids.length && parts.size() < 4) {
            int j = i;
            while (j + 1 < ids.length && ids[j + 1] == ids[j] + 1) {
                j++;
            }
            parts.add(i == j ? String.valueOf(ids[i]) : ids[i] + "-" + ids[j]);
            i = j + 1;
        }
        return String.join(", ", parts) + (i < ids.length ? ", ..." : "");
    }
}
