package io.bitsweep.eval.data;

/**
 * Some samples of a data set, as a data set: sample i is sample {@code ids[i]} of the whole. A search's calibration
 * and evaluation splits are such subsets (seeded, class-balanced draws rather than ranges of the file).
 */
public final class SampleSubset implements Dataset {
    private final Dataset whole;
    private final int[] ids;

    /** @param ids sample indices of {@code whole}, in the order this subset lists them */
    public SampleSubset(Dataset whole, int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= whole.size()) {
                throw new IndexOutOfBoundsException("sample " + id + " of a data set of " + whole.size());
            }
        }
        this.whole = whole;
        this.ids = ids.clone();
    }

    @Override
    public TaskKind kind() {
        return whole.kind();
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public int label(int sample) {
        return whole.label(ids[sample]);
    }

    @Override
    public int inputsPerSample() {
        return whole.inputsPerSample();
    }

    @Override
    public int inputSize() {
        return whole.inputSize();
    }

    @Override
    public void input(int sample, int window, float[] dst) {
        whole.input(ids[sample], window, dst);
    }

    @Override
    public String id(int sample) {
        return whole.id(ids[sample]);
    }

    /** The whole data set's: the subset is named by its ids on top of it (a run's splits.json). */
    @Override
    public String sha256() {
        return whole.sha256();
    }

    @Override
    public int[] inputShape() {
        return whole.inputShape();
    }

    @Override
    public int classes() {
        return whole.classes();
    }
}
