package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.model.Model;

/**
 * The bit-exact engine as a {@link Predictor}: quantizes the float input with the model's int8 input parameters,
 * runs the {@link IntegerProgram}, keeps the raw int8 output and dequantizes it.
 */
public final class ExactPredictor implements Predictor {
    private final IntegerProgram program;
    private final byte[] in;
    private final byte[] raw;

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
        this.in = new byte[program.inputBytes()];
        this.raw = new byte[program.outputBytes()];
    }

    public IntegerProgram program() {
        return program;
    }

    @Override
    public int outputSize() {
        return raw.length;
    }

    @Override
    public void predict(float[] input, float[] out) {
        program.quantizeInput(input, in);
        predictRaw(in, raw);
        program.dequantizeOutput(raw, out);
    }

    /** Runs raw int8 input bytes to raw int8 output bytes. */
    public void predictRaw(byte[] int8In, byte[] int8Out) {
        System.arraycopy(program.run(int8In), 0, int8Out, 0, int8Out.length);
    }

    @Override
    public byte[] rawOutput() {
        return raw.clone();
    }

    @Override
    public void close() {}
}
