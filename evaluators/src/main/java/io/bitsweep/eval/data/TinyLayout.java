package io.bitsweep.eval.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * How a task stores one sample (one MLPerf Tiny .bin file, one IDX image, or one shard row) and turns its raw bytes
 * into model inputs. Preprocessing always runs on read, from the raw bytes, so a source and its shards give the same
 * floats.
 */
public enum TinyLayout implements SampleLayout {
    /** CIFAR-10 u8 HWC RGB 32x32; the float ResNet-8 takes raw 0..255 values (no /255). */
    IC(TaskKind.IC, 32 * 32 * 3, 10, 1, new int[] {32, 32, 3}, "u8 32x32x3 RGB", "mlperf-tiny",
            "u8 -> f32 0..255 (no /255)") {
        @Override
        public void decode(ByteBuffer raw, int window, float[] dst) {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = raw.get(i) & 0xff;
            }
        }
    },
    /** COCO u8 HWC RGB 96x96, scaled to 0..1 as u8/255. */
    VWW(TaskKind.VWW, 96 * 96 * 3, 2, 1, new int[] {96, 96, 3}, "u8 96x96x3 RGB", "mlperf-tiny", "u8 / 255") {
        @Override
        public void decode(ByteBuffer raw, int window, float[] dst) {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (raw.get(i) & 0xff) / 255f;
            }
        }
    },
    /** Speech Commands int8 49x10 MFCC, quantized with the int8 model's input parameters; dequantized here. */
    KWS(TaskKind.KWS, 49 * 10, 12, 1, new int[] {49, 10, 1}, "int8 49x10 MFCC", "mlperf-tiny",
            "(q - 83) * 0.5847029 (the int8 model's input parameters)") {
        @Override
        public void decode(ByteBuffer raw, int window, float[] dst) {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = (raw.get(i) - KWS_INPUT_ZERO_POINT) * KWS_INPUT_SCALE;
            }
        }
    },
    /**
     * ToyADMOS f32 LE spectrogram, 200 frames x 128 mel bins. Model input w is frames w..w+4 (5 x 128 = 640 floats,
     * stride one frame), i.e. floats [128 w, 128 w + 640) of the file: 196 windows per file.
     */
    AD(TaskKind.AD, 200 * 128 * 4, 2, 200 - 5 + 1, new int[] {640}, "f32 200x128 spectrogram", "mlperf-tiny",
            "f32 LE as is; window w = frames w..w+4 (196 windows of 640)") {
        @Override
        public void decode(ByteBuffer raw, int window, float[] dst) {
            raw.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(window * AD_MEL_BINS * 4).asFloatBuffer()
                    .get(dst, 0, dst.length);
        }
    },
    /**
     * Fashion-MNIST u8 28x28 grayscale (one IDX image), as the fashion-mnist models were trained: 2 zero pixels on
     * each side (32x32x1), then u8/255 in float32 (shared/fashion-mnist/train.py, {@code preprocess}).
     */
    FMNIST(TaskKind.FMNIST, 28 * 28, 10, 1, new int[] {32, 32, 1}, "u8 28x28 grayscale", "idx",
            "u8 28x28 padded with 2 zero pixels on each side to 32x32x1, then / 255") {
        @Override
        public void decode(ByteBuffer raw, int window, float[] dst) {
            Arrays.fill(dst, 0f);
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    dst[(r + 2) * 32 + c + 2] = (raw.get(r * 28 + c) & 0xff) / 255f;
                }
            }
        }
    };

    /**
     * The input scale of the int8 KWS model kws_ref_model.tflite (mlcommons/tiny), bit for bit: float32 0x3F15AF17,
     * read from the QuantizationParameters of its input tensor "input_1" (scale vector at byte 53756 of the file,
     * sha256 aeea4368...). The kws01 .bin files were quantized with exactly these parameters.
     */
    public static final float KWS_INPUT_SCALE = Float.intBitsToFloat(0x3F15AF17); // 0.5847029089927673
    /** The zero point of the same tensor (int64 83 at byte 53744). */
    public static final int KWS_INPUT_ZERO_POINT = 83;
    static final int AD_MEL_BINS = 128;

    private final TaskKind kind;
    private final int sampleBytes;
    private final int classes;
    private final int inputsPerSample;
    private final int[] inputShape;
    private final String description;
    private final String source;
    private final String preprocessing;

    TinyLayout(TaskKind kind, int sampleBytes, int classes, int inputsPerSample, int[] inputShape, String description,
            String source, String preprocessing) {
        this.kind = kind;
        this.sampleBytes = sampleBytes;
        this.classes = classes;
        this.inputsPerSample = inputsPerSample;
        this.inputShape = inputShape;
        this.description = description;
        this.source = source;
        this.preprocessing = preprocessing;
    }

    @Override
    public String task() {
        return name();
    }

    /** A fixed task needs nothing besides its name. */
    @Override
    public String spec() {
        return name();
    }

    public static TinyLayout of(TaskKind kind) {
        return valueOf(kind.name());
    }

    @Override
    public TaskKind kind() {
        return kind;
    }

    /** Bytes of one raw sample (one .bin file). */
    @Override
    public int sampleBytes() {
        return sampleBytes;
    }

    /** The number of classes in y_labels.csv (AD: 2, normal and anomaly). */
    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int inputsPerSample() {
        return inputsPerSample;
    }

    /** The shape of one model input without the batch dimension (NHWC). */
    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int inputSize() {
        return Arrays.stream(inputShape).reduce(1, (a, b) -> a * b);
    }

    /** What the raw bytes are, for error messages: e.g. "u8 32x32x3 RGB". */
    @Override
    public String description() {
        return description;
    }

    /** The source format the samples come from: {@code mlperf-tiny} (.bin directories) or {@code idx}. */
    @Override
    public String source() {
        return source;
    }

    /** How raw bytes become model inputs, in words (recorded in shard manifests). */
    @Override
    public String preprocessing() {
        return preprocessing;
    }

    /** The layout names, for "allowed: ..." in errors. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Enum::name).toList());
    }
}
