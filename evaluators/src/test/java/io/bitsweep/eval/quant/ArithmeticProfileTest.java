package io.bitsweep.eval.quant;

import static io.bitsweep.eval.quant.IcResNet8.correct;
import static io.bitsweep.eval.quant.IcResNet8.ic;
import static io.bitsweep.eval.quant.IcResNet8.ic01;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.Int8FixedPointSoftmax;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.engine.exact.RequantRounding;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic profile of an assignment: written and read back by {@link AssignmentJson}, tflite-2.6 for files
 * from before profiles, bad values refused in one line, and what it makes of the quantized program.
 */
class ArithmeticProfileTest {

    @Test
    void assignmentJsonRoundTripsTheArithmetic() {
        for (Arithmetic a : Arithmetic.values()) {
            Assignment written = Assignment.parseUniform("w=int4,a=int8")
                    .withSettings(QuantSettings.DEFAULT.withFusion(QuantSettings.Fusion.RESIDUAL).withArithmetic(a));
            String json = AssignmentJson.write(written);
            assertTrue(json.contains("\"arithmetic\" : \"" + a.word() + "\""), json);
            Assignment read = AssignmentJson.parse(json, "a.json");
            assertEquals(written.settings(), read.settings());
            assertEquals(json, AssignmentJson.write(read));
        }
    }

    @Test
    void aFileWithoutTheKeyMeansTflite26() {
        Assignment a = AssignmentJson.parse("{\"schema\": \"bitsweep.assignment/1\"}", "old.json");
        assertEquals(Arithmetic.TFLITE_2_6, a.settings().arithmetic());
        assertEquals(QuantSettings.DEFAULT, a.settings());
    }

    @Test
    void badValuesAreOneLineErrorsNamingTheFileFieldAndAllowedValues() {
        BitSweepException e = assertThrows(BitSweepException.class, () -> AssignmentJson.parse(
                "{\"schema\": \"bitsweep.assignment/1\", \"arithmetic\": \"tflite-2.21\"}", "a.json"));
        assertEquals("a.json: arithmetic 'tflite-2.21' is not allowed (allowed: tflite-2.6, tflite-micro)",
                e.getMessage());
        e = assertThrows(BitSweepException.class, () -> AssignmentJson.parse(
                "{\"schema\": \"bitsweep.assignment/1\", \"arithmetic\": 26}", "a.json"));
        assertEquals("a.json: field 'arithmetic' must be a string (tflite-2.6, tflite-micro)", e.getMessage());
    }

    /**
     * tflite-2.6 keeps the engine's bytes from before profiles (every op at the assignment's rounding); tflite-micro
     * rounds fully connected layers once, as the reference kernels do, and runs the fixed-point softmax.
     */
    @Test
    void theProfileSetsTheQuantizedProgramsRoundingsAndSoftmax() {
        Assignment w8a8 = Assignment.parseUniform("w=int8,a=int8:asym");
        ProgramSpec desktop = Quantizer.quantize(ic, w8a8, "--uniform", ic01, 32);
        ProgramSpec micro = Quantizer.quantize(ic, w8a8.withSettings(w8a8.settings()
                .withArithmetic(Arithmetic.TFLITE_MICRO)), "--uniform", ic01, 32);
        assertEquals(ExactOptions.uniform(RequantRounding.DOUBLE), desktop.options());
        assertEquals(ExactOptions.quantized(Arithmetic.TFLITE_MICRO, RequantRounding.DOUBLE), micro.options());
        assertEquals(RequantRounding.SINGLE, micro.options().fullyConnectedRounding());
        assertEquals(RequantRounding.DOUBLE, micro.options().convRounding());
        int a = correct(new ExactPredictor(desktop));
        int b = correct(new ExactPredictor(micro));
        assertTrue(Math.abs(a - b) <= 2, "w8a8 on ic01: " + a + "/200 under tflite-2.6, " + b + " under tflite-micro");
    }

    /** requant tflite: each op kind rounded as the profile's TFLite does, read from JSON as the other words. */
    @Test
    void requantTfliteRoundsEachOpKindAsTheProfilesTflite() {
        for (Arithmetic a : Arithmetic.values()) {
            Assignment w8a8 = AssignmentJson.parse("{\"schema\": \"bitsweep.assignment/1\", \"defaults\": "
                    + "{\"weights\": \"int8\", \"activations\": \"int8:asym\"}, \"requant\": \"tflite\", "
                    + "\"arithmetic\": \"" + a.word() + "\"}", "a.json");
            assertEquals(QuantSettings.Requant.TFLITE, w8a8.settings().requant());
            assertEquals(ExactOptions.of(a), Quantizer.quantize(ic, w8a8, "a.json", ic01, 32).options());
        }
        assertEquals(RequantRounding.SINGLE, ExactOptions.of(Arithmetic.TFLITE_2_6).convRounding());
    }

    @Test
    void theReferenceSoftmaxRefusesScalesItsKernelAbortsOn() {
        BitSweepException e = assertThrows(BitSweepException.class, () -> new Int8FixedPointSoftmax(1e-9f, 1f, 10));
        assertTrue(e.getMessage().contains("allowed: above 2^-26") && !e.getMessage().contains("\n"), e.getMessage());
    }
}
