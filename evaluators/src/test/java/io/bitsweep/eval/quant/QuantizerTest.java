package io.bitsweep.eval.quant;

import static io.bitsweep.eval.quant.IcResNet8.correct;
import static io.bitsweep.eval.quant.IcResNet8.floatCorrect;
import static io.bitsweep.eval.quant.IcResNet8.ic;
import static io.bitsweep.eval.quant.IcResNet8.ic01;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.Op;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quantizing the float IC model (ResNet-8) by assignments, on the real CIFAR-10 samples. */
class QuantizerTest {
    @TempDir
    Path tmp;

    @Test
    void uniformW8A8IsWithinOnePercentOfFloat() {
        ExactPredictor p = Quantizer.predictor(ic, Assignment.parseUniform("w=int8,a=int8:asym"), "--uniform", ic01,
                Quantizer.DEFAULT_CALIBRATION_SAMPLES);
        int q = correct(p);
        assertTrue(floatCorrect - q <= 2, "float " + floatCorrect + "/200, w8a8 " + q + "/200");
    }

    @Test
    void lowerPrecisionCostsAccuracyAndPruningEverythingDestroysIt() {
        int w2 = correct(Quantizer.predictor(ic, Assignment.parseUniform("w=int2,a=int8:asym"), "--uniform", ic01, 32));
        assertTrue(w2 < floatCorrect - 10, "int2 weights should hurt: " + w2 + " vs " + floatCorrect);
        int pruned = correct(Quantizer.predictor(ic, Assignment.parseUniform("w=pruned,a=int8:asym"), "--uniform",
                ic01, 32));
        assertTrue(pruned < 50, "a fully pruned net cannot classify: " + pruned);
    }

    @Test
    void perChannelMixedAssignmentFromJson() throws Exception {
        String perChannel = String.join(",", Collections.nCopies(8, "\"int8\"")) + ","
                + String.join(",", Collections.nCopies(4, "\"int4\"")) + ",\"int2\",\"pruned\",\"int8:pot\",\"int8\"";
        Path a = tmp.resolve("a.json");
        Files.writeString(a, """
                {"schema": "bitsweep.assignment/1", "model_sha256": "%s",
                 "defaults": {"weights": "int8", "activations": "int8:asym"},
                 "layers": {"conv_2d_0": {"weights": [%s]}},
                 "calibration": {"method": "percentile", "percentile": 99.99}, "weight_scales": "mse",
                 "requant": "single"}
                """.formatted(ic.sha256(), perChannel));
        ProgramSpec q = Quantizer.quantize(ic, AssignmentJson.read(a), a.toString(), ic01, 32);
        assertTrue(q.op("conv_2d_0").isPruned(13));
        assertFalse(q.op("conv_2d_0").isPruned(0));
        int acc = correct(new ExactPredictor(q));
        assertTrue(acc > floatCorrect - 20, acc + " vs float " + floatCorrect);
    }

    @Test
    void unknownLayerIsAOneLineErrorNamingTheAllowedLayers() throws Exception {
        Path a = tmp.resolve("bad.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"conv_2d_99\": {\"weights\": \"int4\"}}}");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> QuantPlan.resolve(AssignmentJson.read(a), ic, a.toString()));
        assertTrue(e.getMessage().contains("layers.conv_2d_99: unknown layer") && e.getMessage().contains(
                "allowed: conv_2d_0, conv_2d_1"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void anAddEntryNamesTheAddsOutputFormatAndNothingElse() throws Exception {
        Path a = tmp.resolve("add.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"defaults\": {\"activations\": \"int8:asym\"},"
                + " \"layers\": {\"add_1\": {\"activations\": \"int8:pot\"}}}");
        QuantPlan plan = QuantPlan.resolve(AssignmentJson.read(a), ic, a.toString());
        Op add0 = ic.ops().stream().filter(op -> op.name().equals("add_0")).findFirst().orElseThrow();
        Op add1 = ic.ops().stream().filter(op -> op.name().equals("add_1")).findFirst().orElseThrow();
        assertEquals("int8:asym", plan.outputFormat(add0).spec());
        assertEquals("int8:pot", plan.outputFormat(add1).spec());
        ProgramSpec q = Quantizer.quantize(ic, AssignmentJson.read(a), a.toString(), ic01, 32);
        float scale = q.model().output(add1).quant().orElseThrow().scale(0);
        assertEquals(scale, Math.scalb(1f, Math.getExponent(scale)), "add_1 writes at a power-of-two scale");

        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"add_0\": {\"weights\": \"int4\"}}}");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> QuantPlan.resolve(AssignmentJson.read(a), ic, a.toString()));
        assertEquals(a + ": layers.add_0.weights: add_0 is an ADD, it has no weights (allowed for an ADD: "
                + "activations)", e.getMessage());
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"add_9\": {\"activations\": \"int8\"}}}");
        e = assertThrows(BitSweepException.class, () -> QuantPlan.resolve(AssignmentJson.read(a), ic, a.toString()));
        assertTrue(e.getMessage().contains("layers.add_9: unknown layer")
                && e.getMessage().contains("ADDs, activations only: add_0, add_1, add_2"), e.getMessage());
    }

    @Test
    void wrongChannelCountIsAOneLineError() throws Exception {
        Path a = tmp.resolve("bad.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"conv_2d_0\": {\"weights\": "
                + "[\"int4\", \"int8\"]}}}");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> QuantPlan.resolve(AssignmentJson.read(a), ic, a.toString()));
        assertEquals(a + ": layers.conv_2d_0.weights: 2 channel formats for 16 output channels (allowed: one spec "
                + "string, or an array of exactly 16)", e.getMessage());
    }

    @Test
    void badSpecAndBadMethodAreOneLineErrors() throws Exception {
        Path a = tmp.resolve("bad.json");
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"layers\": {\"conv_2d_0\": {\"weights\": \"int99\"}}}");
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> QuantPlan.resolve(AssignmentJson.read(a), ic, a.toString()));
        assertTrue(e.getMessage().startsWith(a + ": layers.conv_2d_0.weights: "), e.getMessage());
        Files.writeString(a, "{\"schema\": \"bitsweep.assignment/1\", \"calibration\": {\"method\": \"kl\"}}");
        e = assertThrows(BitSweepException.class, () -> AssignmentJson.read(a));
        assertEquals(a + ": calibration.method 'kl' is not allowed (allowed: minmax, percentile, mse, output)", e.getMessage());
        e = assertThrows(BitSweepException.class, () -> Assignment.parseUniform("w=int4,x=int8"));
        assertEquals("--uniform 'w=int4,x=int8': unknown key 'x' (allowed: w, a)", e.getMessage());
    }

    /** One --uniform grammar (eval, hwsim, export): w=F,a=F with either key optional, F, and F,F. */
    @Test
    void uniformTakesTheKeyedAndTheShortForms() {
        for (String[] c : new String[][] {{"w=int4,a=int8:asym", "int4", "int8:asym"}, {"a=int4", "int8", "int4"},
                {"w=int2", "int2", "int8"}, {"int8", "int8", "int8"}, {"int4,int8", "int4", "int8"},
                {" bfp:m4:b16 , int8 ", "bfp:m4:b16", "int8"}, {"a=int8,w=mxint8", "mxint8", "int8"}}) {
            Assignment a = Assignment.parseUniform(c[0]);
            assertEquals(c[1], a.defaultWeights().spec(), c[0]);
            assertEquals(c[2], a.defaultActivations().spec(), c[0]);
        }
        for (String bad : new String[] {"", "int4,int8,int2", "int4,", "w=int4,int8", "w=", "int17", "w=int4,a=foo"}) {
            BitSweepException e = assertThrows(BitSweepException.class, () -> Assignment.parseUniform(bad), bad);
            assertTrue(e.getMessage().startsWith("--uniform") && !e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(BitSweepException.class, () -> Assignment.parseUniform("int4,int8,int2")).getMessage()
                .contains(Assignment.UNIFORM_FORMS));
    }
}
