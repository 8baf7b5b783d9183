package io.bitsweep.eval.data;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How one raw sample is stored and how its bytes become model inputs: a fixed task ({@link TinyLayout}: the MLPerf
 * Tiny sets, Fashion-MNIST) or an image folder's converted pixels ({@link ImageLayout}, whose size and scaling come
 * from the conversion). Preprocessing always runs on read, from the raw bytes, so a source and its shards give the
 * same floats.
 */
public interface SampleLayout {
    /** The task name recorded in shard metadata and manifests (IC, VWW, KWS, AD, FMNIST, IMAGES). */
    String task();

    /** The whole layout as one string for shard metadata, from which {@link SampleLayouts#of} rebuilds it. */
    String spec();

    TaskKind kind();

    /** Bytes of one raw sample. */
    int sampleBytes();

    /** The number of classes labels are drawn from (AD: 2, normal and anomaly). */
    int classes();

    int inputsPerSample();

    /** The shape of one model input without the batch dimension (NHWC). */
    int[] inputShape();

    default int inputSize() {
        return Arrays.stream(inputShape()).reduce(1, (a, b) -> a * b);
    }

    /** What the raw bytes are, for error messages: e.g. "u8 32x32x3 RGB". */
    String description();

    /** The source format the samples come from: {@code mlperf-tiny}, {@code idx} or {@code image-folder}. */
    String source();

    /** How raw bytes become model inputs, in words (recorded in shard manifests). */
    String preprocessing();

    /** Writes model input {@code window} of the sample whose raw bytes are {@code raw} (position 0) into dst. */
    void decode(ByteBuffer raw, int window, float[] dst);
}
