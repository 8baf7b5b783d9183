package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.util.List;
import java.util.function.Supplier;

/**
 * The programs the kernel tests run on every sample of real data: the four MLPerf Tiny int8 models as they are, and
 * search candidates from the float IC model (ResNet-8) that take every other kernel path: per-channel mixed 2/4/8
 * with pruned channels, residual fusion with single rounding and narrow codes, power-of-two (shift) requantization, a
 * 16-bit accumulator that saturates, activation statistics, and BFP and MX block layers.
 */
final class ExactCases {
    /** A program spec to compile and the data to run on it. */
    record Case(String name, Supplier<ProgramSpec> spec, Dataset data) {
        @Override
        public String toString() {
            return name;
        }
    }

    private ExactCases() {}

    static List<Case> all() {
        Dataset ic01 = data("data/ic01");
        Supplier<Model> icFloat = () -> TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
        return List.of(
                int8("ic", "models/ic/pretrainedResnet_quant.tflite", ic01),
                int8("kws", "models/kws/kws_ref_model.tflite", data("data/kws01")),
                int8("vww", "models/vww/vww_96_int8.tflite", data("data/vww01")),
                int8("ad", "models/ad/ad01_int8.tflite", data("data/ad01")),
                new Case("ic mixed 2/4/8 + pruned, statistics", () -> quantize(icFloat.get(),
                        Assignment.randomMixed(icFloat.get(), 42), ic01, o -> o.withStatistics(true)), ic01),
                new Case("ic w4a4 residual fusion, single rounding", () -> quantize(icFloat.get(), AssignmentJson.parse("""
                        {"schema": "bitsweep.assignment/1", "defaults": {"weights": "int4", "activations": "int4:asym"},
                         "requant": "single", "fusion": "residual"}""", "test"), ic01, o -> o), ic01),
                new Case("ic int4:pot, int8:pot activations (shift requantization)", () -> quantize(icFloat.get(),
                        Assignment.parseUniform("w=int4:pot,a=int8:pot"), ic01, o -> o), ic01),
                new Case("ic int8 16-bit accumulators", () -> quantize(icFloat.get(),
                        Assignment.parseUniform("w=int8,a=int8:asym"), ic01, o -> o.withAccumulatorBits(16)), ic01),
                new Case("ic bfp:m8:b16", () -> quantize(icFloat.get(),
                        Assignment.parseUniform("w=bfp:m8:b16,a=bfp:m8:b16"), ic01, o -> o), ic01),
                new Case("ic mxint8", () -> quantize(icFloat.get(), Assignment.parseUniform("w=mxint8,a=mxint8"), ic01,
                        o -> o), ic01));
    }

    private static Case int8(String name, String model, Dataset data) {
        return new Case(name, () -> ProgramSpec.of(TfliteImporter.load(Assets.resolve(model)), ExactOptions.tflite()),
                data);
    }

    private static ProgramSpec quantize(Model model, Assignment a, Dataset calibration,
            java.util.function.UnaryOperator<ExactOptions> options) {
        ProgramSpec spec = Quantizer.quantize(model, a, "test", calibration, Quantizer.DEFAULT_CALIBRATION_SAMPLES);
        return spec.withOptions(options.apply(spec.options()));
    }

    private static Dataset data(String path) {
        return Datasets.open(Assets.resolve(path));
    }

    /** Every model input of the data set (every window, for AD), quantized to the program's raw int8 input. */
    static byte[][] rawInputs(IntegerProgram program, Dataset data) {
        float[] x = new float[data.inputSize()];
        byte[][] out = new byte[data.size() * data.inputsPerSample()][program.inputBytes()];
        for (int s = 0, i = 0; s < data.size(); s++) {
            for (int w = 0; w < data.inputsPerSample(); w++, i++) {
                data.input(s, w, x);
                program.quantizeInput(x, out[i], 0);
            }
        }
        return out;
    }

    /** Runs every input in batches of the program's capacity; returns the output bytes of each, in order. */
    static byte[][] run(ExactPredictor p, byte[][] inputs) {
        int capacity = p.batchCapacity();
        int in = p.program().inputBytes();
        byte[] batch = new byte[capacity * in];
        byte[] outs = new byte[capacity * p.outputSize()];
        byte[][] result = new byte[inputs.length][];
        for (int first = 0; first < inputs.length; first += capacity) {
            int n = Math.min(capacity, inputs.length - first);
            for (int i = 0; i < n; i++) {
                System.arraycopy(inputs[first + i], 0, batch, i * in, in);
            }
            p.predictRaw(batch, n, outs);
            for (int i = 0; i < n; i++) {
                result[first + i] = java.util.Arrays.copyOfRange(outs, i * p.outputSize(), (i + 1) * p.outputSize());
            }
        }
        return result;
    }
}
