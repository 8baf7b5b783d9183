package io.bitsweep.eval.data;

import io.bitsweep.eval.assets.Assets;
import java.nio.file.Path;

/**
 * Where the tests find Fashion-MNIST: the IDX files of Debian's {@code dataset-fashion-mnist} (installed by
 * .ci/run) and the trained models beside the MLPerf Tiny assets ({@code ../shared/fashion-mnist}). Both can be moved
 * with system properties.
 */
public final class FashionMnist {
    public static final Path DATA = Path.of(System.getProperty("bitsweep.fashion-mnist.data",
            "/usr/share/datasets/fashion-mnist"));
    public static final Path TEST_IMAGES = DATA.resolve("t10k-images-idx3-ubyte.gz");
    public static final Path TRAIN_IMAGES = DATA.resolve("train-images-idx3-ubyte.gz");

    private FashionMnist() {}

    /** The directory of the Fashion-MNIST models, train.py and its reference predictions. */
    public static Path models() {
        String configured = System.getProperty("bitsweep.fashion-mnist.models");
        return configured != null ? Path.of(configured) : Assets.dir().resolveSibling("fashion-mnist");
    }
}
