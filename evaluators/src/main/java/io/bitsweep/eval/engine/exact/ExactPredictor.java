package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.engine.Predictor;
import io.bitsweep.eval.model.Model;

/**
 * The bit-exact engine as a {@link Predictor}: quantizes the float input with the model's int8 input parameters,
 * runs the {@link Int8Program}, keeps the raw int8 output and dequantizes it.
 */
public final class ExactPredictor implements Predictor {
    private final Int8Program program;
    private final byte[] in;
    private final byte[] raw;

    public ExactPredictor(Model model, ExactOptions options) {
        this(new Int8Program(model, options));
    }

    /** A float model quantized by an assignment. */
    public ExactPredictor(io.bitsweep.eval.quant.QuantizedModel q) {
        this(new Int8Program(q.model(), q.options(), q.codeRanges(), q.pruned(), q.blockLayers(),
                q.residualFusions()));
    }

    private ExactPredictor(Int8Program program) {
        this.program = program;
        this.in = new byte[program.inputBytes()];
        this.raw = new byte[program.outputBytes()];
    }

    public Int8Program program() {
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
