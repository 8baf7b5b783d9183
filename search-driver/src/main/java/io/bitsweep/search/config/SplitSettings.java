package io.bitsweep.search.config;

/**
 * How the calibration and evaluation samples are chosen ({@code bitsweep.search.splits}).
 *
 * @param selection  stratified (a seeded draw, class by class) or range (offset/count in file order, as is)
 * @param seed       the seed of the stratified draws and of the evaluation order; not the search's seed, so
 *                   searches with different seeds score the same samples
 * @param disjoint   calibration and evaluation must not share a sample
 */
public record SplitSettings(Selection selection, long seed, boolean disjoint, Part calibration, Part evaluation) {
    public enum Selection { STRATIFIED, RANGE }

    /**
     * One split: the samples [offset, offset + count) of the data set in y_labels.csv order (count -1: to the end),
     * and how many of them to draw ({@code samples}, stratified selection only; -1: all of them).
     */
    public record Part(int offset, int count, int samples) {
        /** The end (exclusive) of the range for a data set of {@code size} samples. */
        public int end(int size) {
            return count < 0 ? size : (int) Math.min(size, (long) offset + count);
        }
    }
}
