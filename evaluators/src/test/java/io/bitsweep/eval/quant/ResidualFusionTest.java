package io.bitsweep.eval.quant;

import static io.bitsweep.eval.quant.IcResNet8.correct;
import static io.bitsweep.eval.quant.IcResNet8.floatCorrect;
import static io.bitsweep.eval.quant.IcResNet8.ic;
import static io.bitsweep.eval.quant.IcResNet8.ic01;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.ExactPredictor;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.engine.exact.QuantizedMultiplier;
import io.bitsweep.eval.model.Activation;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code fusion: residual} on the float IC model (ResNet-8) and the real ic01 images: which ADDs are fused, every
 * fused output byte against an exact-rational model of docs/ASSIGNMENT.md's "Residual fusion" rules, accuracy, and
 * bad values.
 */
class ResidualFusionTest {
    private static final int IMAGES = 8;

    @Test
    void fusesEachResNet8AddIntoTheLastProducedConvWithoutActivation() {
        ProgramSpec q = quantize("w=int8,a=int8:asym", QuantSettings.Fusion.RESIDUAL, QuantSettings.Requant.DOUBLE);
        // add_0 = relu(conv_2d_0) + conv_2d_2: conv_2d_0 has a ReLU and a second reader; add_1, add_2 take two
        // activation-free convs, and the 1x1 shortcut conv (conv_2d_5, conv_2d_8) is the later one
        assertEquals(Map.of("add_0", "conv_2d_2", "add_1", "conv_2d_5", "add_2", "conv_2d_8"), q.residualFusions());
        assertEquals(Map.of(), quantize("w=int8,a=int8:asym", QuantSettings.Fusion.NONE, QuantSettings.Requant.DOUBLE)
                .residualFusions());
    }

    @Test
    void blockFormatLayersKeepTheirAddUnfused() {
        // add_1 falls back to its other activation-free conv, which then runs after its shortcut conv_2d_5
        assertEquals(Map.of("add_1", "conv_2d_4", "add_2", "conv_2d_8"),
                withBlockLayers(QuantSettings.Fusion.RESIDUAL).residualFusions());
    }

    @Test
    void thePairsFollowFromThePlanAloneAsTheEngineRunsThem() {
        // A cost model knows the fusions without calibrating: ResidualFusion.of is what the ProgramSpec holds.
        for (Assignment a : new Assignment[] {blockLayers(QuantSettings.Fusion.RESIDUAL),
                blockLayers(QuantSettings.Fusion.NONE), Assignment.parseUniform("w=int8,a=int8:asym"),
                Assignment.parseUniform("w=bfp:m4:b16,a=int8:asym"), Assignment.parseUniform("w=int8,a=mxint8")}) {
            Assignment fused = a.settings().fusion() == QuantSettings.Fusion.NONE && a.layers().isEmpty()
                    ? a.withSettings(a.settings().withFusion(QuantSettings.Fusion.RESIDUAL)) : a;
            ProgramSpec q = Quantizer.quantize(ic, fused, "a.json", ic01, Quantizer.DEFAULT_CALIBRATION_SAMPLES);
            assertEquals(q.residualFusions(), ResidualFusion.of(ic, QuantPlan.resolve(fused, ic, "a.json")),
                    q.model().source());
        }
    }

    @Test
    void everyFusedOutputByteMatchesTheExactRationalModel() {
        checkAgainstReference("w8a8, double rounding",
                quantize("w=int8,a=int8:asym", QuantSettings.Fusion.RESIDUAL, QuantSettings.Requant.DOUBLE),
                quantize("w=int8,a=int8:asym", QuantSettings.Fusion.NONE, QuantSettings.Requant.DOUBLE));
        checkAgainstReference("w4a4, single rounding",
                quantize("w=int4,a=int4:asym", QuantSettings.Fusion.RESIDUAL, QuantSettings.Requant.SINGLE),
                quantize("w=int4,a=int4:asym", QuantSettings.Fusion.NONE, QuantSettings.Requant.SINGLE));
        checkAgainstReference("block layers, add_1 fused into the earlier conv_2d_4",
                withBlockLayers(QuantSettings.Fusion.RESIDUAL), withBlockLayers(QuantSettings.Fusion.NONE));
    }

    private static void checkAgainstReference(String what, ProgramSpec fused, ProgramSpec plain) {
        QuantSettings.Requant requant = fused.options().convRounding() == io.bitsweep.eval.engine.exact.RequantRounding.SINGLE
                ? QuantSettings.Requant.SINGLE : QuantSettings.Requant.DOUBLE;
        ExactPredictor p = new ExactPredictor(fused);
        ExactPredictor unfused = new ExactPredictor(plain);
        float[] x = new float[ic01.inputSize()];
        float[] y = new float[p.outputSize()];
        long differ = 0;
        for (int i = 0; i < IMAGES; i++) {
            ic01.input(i, 0, x);
            p.predict(x, y);
            unfused.predict(x, y);
            byte[][] buffers = p.program().tensorBuffers();
            for (Map.Entry<String, String> f : fused.residualFusions().entrySet()) {
                Model m = fused.model();
                Op add = m.op(f.getKey()).orElseThrow();
                Op layer = m.op(f.getValue()).orElseThrow();
                assertNull(buffers[layer.output()], f.getValue() + "'s own output is never stored");
                byte[] expected = reference(fused, add, layer, buffers, requant);
                byte[] actual = buffers[add.output()];
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], actual[k], what + ": image " + i + " " + f + " element " + k);
                }
                byte[] unfusedOut = unfused.program().tensorBuffers()[add.output()];
                for (int k = 0; k < expected.length; k++) {
                    differ += unfusedOut[k] != actual[k] ? 1 : 0;
                }
            }
        }
        assertTrue(differ > 0, what + ": fusion must change some output bytes");
    }

    @Test
    void w8a8WithFusionStaysWithinOnePercentOfFloat() {
        int fused = correct(new ExactPredictor(quantize("w=int8,a=int8:asym", QuantSettings.Fusion.RESIDUAL,
                QuantSettings.Requant.DOUBLE)));
        assertTrue(floatCorrect - fused <= 2, "float " + floatCorrect + "/200, fused w8a8 " + fused + "/200");
    }

    @Test
    void unknownFusionValueIsAOneLineErrorNamingKeyAndValues() {
        BitSweepException e = assertThrows(BitSweepException.class, () -> AssignmentJson.parse(
                "{\"schema\": \"bitsweep.assignment/1\", \"fusion\": \"add\"}", "a.json"));
        assertEquals("a.json: fusion 'add' is not allowed (allowed: none, residual)", e.getMessage());
        e = assertThrows(BitSweepException.class, () -> AssignmentJson.parse(
                "{\"schema\": \"bitsweep.assignment/1\", \"fusion\": true}", "a.json"));
        assertTrue(e.getMessage().startsWith("a.json: field 'fusion' must be a string (none or residual)"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(QuantSettings.Fusion.NONE, AssignmentJson.parse("{\"schema\": \"bitsweep.assignment/1\"}", "a.json")
                .settings().fusion());
    }

    /** int8 except conv_2d_2 (BFP weights) and conv_2d_5 (MXINT8 weights): block-arithmetic layers. */
    private static ProgramSpec withBlockLayers(QuantSettings.Fusion fusion) {
        return Quantizer.quantize(ic, blockLayers(fusion), "a.json", ic01, Quantizer.DEFAULT_CALIBRATION_SAMPLES);
    }

    private static Assignment blockLayers(QuantSettings.Fusion fusion) {
        Assignment a = AssignmentJson.parse("""
                {"schema": "bitsweep.assignment/1", "defaults": {"weights": "int8", "activations": "int8:asym"},
                 "layers": {"conv_2d_2": {"weights": "bfp:m8:b16"}, "conv_2d_5": {"weights": "mxint8"}}}""",
                "a.json");
        return a.withSettings(a.settings().withFusion(fusion));
    }

    private static ProgramSpec quantize(String uniform, QuantSettings.Fusion fusion, QuantSettings.Requant requant) {
        Assignment u = Assignment.parseUniform(uniform);
        Assignment a = u.withSettings(new QuantSettings(u.settings().calibration(), u.settings().weightScales(),
                requant, fusion));
        return Quantizer.quantize(ic, a, "--uniform", ic01, Quantizer.DEFAULT_CALIBRATION_SAMPLES);
    }

    /**
     * The fused ADD's output, from the integer codes of the layer's input, weights and bias and of the shortcut, by
     * the documented rules in exact rational arithmetic: accumulator, shortcut rescaled to accumulator units
     * (nearest, ties away from zero), one requantization (double: SaturatingRoundingDoublingHighMul's ties up, then
     * ties away from zero; single: ties up), output zero point, ReLU and code-range clamp.
     */
    private static byte[] reference(ProgramSpec q, Op add, Op layer, byte[][] buffers,
            QuantSettings.Requant requant) {
        Model m = q.model();
        Tensor in = m.input(layer, 0);
        Tensor w = m.weights(layer);
        Tensor out = m.output(add);
        Tensor shortcut = m.input(add, m.input(add, 0).index() == layer.output() ? 1 : 0);
        byte[] x = buffers[in.index()];
        byte[] b = buffers[shortcut.index()];
        byte[] wq = w.int8s();
        int[] bias = m.bias(layer).orElseThrow().int32s();
        QuantParams wp = w.quant().orElseThrow();
        float sIn = in.quant().orElseThrow().scale(0);
        int zpIn = (int) in.quant().orElseThrow().zeroPoint(0);
        float sB = shortcut.quant().orElseThrow().scale(0);
        int zpB = (int) shortcut.quant().orElseThrow().zeroPoint(0);
        float sOut = out.quant().orElseThrow().scale(0);
        int zpOut = (int) out.quant().orElseThrow().zeroPoint(0);
        ProgramSpec.CodeRange codes = q.op(add.name()).outputCodes();
        assertEquals(Activation.RELU, add.options().activation());
        int lo = Math.max(codes.min(), zpOut);
        int hi = codes.max();
        OpOptions.Conv o = (OpOptions.Conv) layer.options();
        int inH = in.dim(1), inW = in.dim(2), inC = in.dim(3);
        int cout = w.dim(0), kh = w.dim(1), kw = w.dim(2);
        int outH = out.dim(1), outW = out.dim(2);
        int padTop = o.padding() == Padding.SAME ? Math.max((outH - 1) * o.strideH() + kh - inH, 0) / 2 : 0;
        int padLeft = o.padding() == Padding.SAME ? Math.max((outW - 1) * o.strideW() + kw - inW, 0) / 2 : 0;
        byte[] expected = new byte[(int) out.elementCount()];
        for (int c = 0; c < cout; c++) {
            double accScale = (double) sIn * wp.scale(c);
            QuantizedMultiplier toAcc = QuantizedMultiplier.of(sB / accScale);
            QuantizedMultiplier toOut = QuantizedMultiplier.of(accScale / sOut);
            for (int oy = 0; oy < outH; oy++) {
                for (int ox = 0; ox < outW; ox++) {
                    long acc = bias[c];
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int iy = oy * o.strideH() - padTop + ky;
                            int ix = ox * o.strideW() - padLeft + kx;
                            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
                                continue;
                            }
                            for (int ci = 0; ci < inC; ci++) {
                                acc += (long) wq[((c * kh + ky) * kw + kx) * inC + ci]
                                        * (x[(iy * inW + ix) * inC + ci] - zpIn);
                            }
                        }
                    }
                    int i = (oy * outW + ox) * cout + c;
                    BigInteger term = roundHalfAway(BigInteger.valueOf(b[i] - zpB)
                            .multiply(BigInteger.valueOf(toAcc.multiplier())), 31 - toAcc.shift());
                    BigInteger sum = BigInteger.valueOf(acc).add(term);
                    assertTrue(sum.bitLength() < 32, "no saturation expected on real data: " + sum);
                    BigInteger scaled = sum.multiply(BigInteger.valueOf(toOut.multiplier()));
                    long v = requant == QuantSettings.Requant.SINGLE
                            ? roundHalfUp(scaled, 31 - toOut.shift())
                            : roundHalfAway(BigInteger.valueOf(roundHalfUp(scaled.shiftLeft(Math.max(toOut.shift(), 0)),
                                    31)), Math.max(-toOut.shift(), 0)).longValueExact();
                    expected[i] = (byte) Math.max(lo, Math.min(hi, v + zpOut));
                }
            }
        }
        return expected;
    }

    /** {@code round(n / 2^k)}, nearest with ties toward +infinity; k may be negative (exact). */
    private static long roundHalfUp(BigInteger n, int k) {
        if (k <= 0) {
            return n.shiftLeft(-k).longValueExact();
        }
        return n.add(BigInteger.ONE.shiftLeft(k - 1)).shiftRight(k).longValueExact(); // shiftRight floors
    }

    /** {@code round(n / 2^k)}, nearest with ties away from zero; k may be negative (exact). */
    private static BigInteger roundHalfAway(BigInteger n, int k) {
        if (k <= 0) {
            return n.shiftLeft(-k);
        }
        BigInteger mag = n.abs().add(BigInteger.ONE.shiftLeft(k - 1)).shiftRight(k);
        return n.signum() < 0 ? mag.negate() : mag;
    }
}
