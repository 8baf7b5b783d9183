package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.engine.QuantizingPredictor;
import io.bitsweep.eval.model.Model;
import java.util.Arrays;

/**
 * The bit-exact engine as a {@link Predictor}: quantizes the float inputs with the model's int8 input parameters,
 * runs the {@link IntegerProgram} on a batch of up to {@link ExactOptions#batchSize()} of them, keeps the raw int8
 * outputs and dequantizes them.
 */
public final class ExactPredictor implements QuantizingPredictor {
    private final IntegerProgram program;
    private final byte[] in;
    private final int inBytes;
    private final int outBytes;
    /** The program's output buffer after the last run (sample i at {@code i * outBytes}). */
    private byte[] raw;

    /** An int8 model as it is. */
    public ExactPredictor(Model model, ExactOptions options) {
        this(ProgramSpec.of(model, options));
    }

    /** A program spec, e.g. a float model quantized by an assignment. */
    public ExactPredictor(ProgramSpec spec) {
        this(new IntegerProgram(spec));
    }

    private ExactPredictor(IntegerProgram program) {
        this.program = program;
        this.inBytes = program.inputBytes();
        this.outBytes = program.outputBytes();
        this.in = new byte[program.batchCapacity() * inBytes];
        this.raw = new byte[outBytes];
    }

    public IntegerProgram program() {
        return program;
    }

    @Override
    public int outputSize() {
        return outBytes;
    }

    @Override
    public int batchCapacity() {
        return program.batchCapacity();
    }

    @Override
    public void predict(float[] input, float[] out) {
        program.quantizeInput(input, in, 0);
        raw = program.run(in, 1);
        program.dequantizeOutput(raw, 0, out);
    }

    @Override
    public void predictBatch(float[][] inputs, int n, float[][] outputs) {
        for (int i = 0; i < n; i++) {
            program.quantizeInput(inputs[i], in, i * inBytes);
        }
        runBatch(n, outputs);
    }

    @Override
    public int inputBytes() {
        return inBytes;
    }

    @Override
    public String inputQuantization() {
        return program.inputQuantization();
    }

    @Override
    public void quantizeInput(float[] input, byte[] dst, int at) {
        program.quantizeInput(input, dst, at);
    }

    @Override
    public void predictQuantized(byte[] codes, int at, int n, float[][] outputs) {
        if (n < 1 || n > batchCapacity()) {
            throw new IllegalArgumentException("batch of " + n + " inputs (allowed: 1.." + batchCapacity() + ")");
        }
        System.arraycopy(codes, at, in, 0, n * inBytes);
        runBatch(n, outputs);
    }

    /** Runs the first {@code n} inputs of {@link #in}, already quantized. */
    private void runBatch(int n, float[][] outputs) {
        raw = program.run(in, n);
        for (int i = 0; i < n; i++) {
            program.dequantizeOutput(raw, i * outBytes, outputs[i]);
        }
    }

    /** Runs raw int8 input bytes to raw int8 output bytes. */
    public void predictRaw(byte[] int8In, byte[] int8Out) {
        predictRaw(int8In, 1, int8Out);
    }

    /** Runs {@code n} samples' raw int8 input bytes (one after the other) to their raw int8 output bytes. */
    public void predictRaw(byte[] int8In, int n, byte[] int8Out) {
        raw = program.run(int8In, n);
        System.arraycopy(raw, 0, int8Out, 0, n * outBytes);
    }

    @Override
    public byte[] rawOutput() {
        return rawOutput(0);
    }

    @Override
    public byte[] rawOutput(int i) {
        return Arrays.copyOfRange(raw, i * outBytes, (i + 1) * outBytes);
    }

    @Override
    public byte[] rawInput(int i) {
        return Arrays.copyOfRange(in, i * inBytes, (i + 1) * inBytes);
    }

    @Override
    public void close() {}
}
