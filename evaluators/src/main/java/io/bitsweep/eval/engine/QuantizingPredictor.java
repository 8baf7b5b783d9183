package io.bitsweep.eval.engine;

/**
 * A predictor that quantizes its float inputs itself (an int8 engine) and can also be given them already quantized.
 * A search executor scores every candidate on the same samples, and their inputs' quantization depends only on the
 * model input's parameters, which most candidates share: one quantization of a shard then serves them all, where
 * decoding and quantizing each input per candidate cost VWW's MobileNet more CPU than its inference.
 */
public interface QuantizingPredictor extends Predictor {
    /** Bytes of one quantized input. */
    int inputBytes();

    /** What an input's quantization depends on: predictors with equal keys quantize every input to the same bytes. */
    String inputQuantization();

    /** Quantizes one float input into {@code dst[at, at + inputBytes())}, exactly as {@link #predict} does. */
    void quantizeInput(float[] input, byte[] dst, int at);

    /**
     * Runs {@code n} inputs quantized by {@link #quantizeInput}, one after the other from {@code codes[at]}, giving
     * the outputs (and raw outputs) that {@link #predictBatch} gives for the float inputs.
     */
    void predictQuantized(byte[] codes, int at, int n, float[][] outputs);
}
