package io.bitsweep.eval.quant;

import static io.bitsweep.eval.quant.IcResNet8.correct;
import static io.bitsweep.eval.quant.IcResNet8.floatCorrect;
import static io.bitsweep.eval.quant.IcResNet8.ic;
import static io.bitsweep.eval.quant.IcResNet8.ic01;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.BitSweepException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BFP and MX layers of the float IC model (ResNet-8) on the exact engine, on the real CIFAR-10 samples. */
class BlockLayersTest {
    @TempDir
    Path tmp;

    private static int uniform(String spec) {
        return correct(Quantizer.predictor(ic, Assignment.parseUniform(spec), "--uniform", ic01,
                Quantizer.DEFAULT_CALIBRATION_SAMPLES));
    }

    @Test
    void bfpM8B16IsWithinOnePercentOfFloat() {
        int q = uniform("w=bfp:m8:b16,a=bfp:m8:b16");
        assertTrue(floatCorrect - q <= 2, "float " + floatCorrect + "/200, bfp:m8:b16 " + q + "/200");
    }

    @Test
    void mxint8IsWithinOnePercentOfFloatAndFp4CostsAccuracy() {
        int q = uniform("w=mxint8,a=mxint8");
        assertTrue(floatCorrect - q <= 2, "float " + floatCorrect + "/200, mxint8 " + q + "/200");
        int fp4 = uniform("w=mxfp4_e2m1,a=mxfp4_e2m1");
        assertTrue(fp4 < q - 10, "4-bit MX elements must cost accuracy: " + fp4 + " vs mxint8 " + q);
    }

    @Test
    void tooWideExactBlockSumsAreAOneLineError() {
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> uniform("w=mxfp8_e5m2,a=mxfp8_e5m2"));
        assertTrue(e.getMessage().contains("needs 69 bits") && e.getMessage().contains("allowed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void twoBlockFormatsInOneLayerAndAsymmetricWeightsAreOneLineErrors() throws Exception {
        String perChannel = String.join(",", Collections.nCopies(15, "\"bfp:m8:b16\"")) + ",\"mxint8\"";
        Path a = tmp.resolve("a.json");
        Files.writeString(a, """
                {"schema": "bitsweep.assignment/1", "layers": {"conv_2d_0": {"weights": [%s]}}}
                """.formatted(perChannel));
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> Quantizer.quantize(ic, AssignmentJson.read(a), a.toString(), ic01, 4));
        assertTrue(e.getMessage().startsWith("layers.conv_2d_0.weights[15]: mxint8 differs from bfp:m8:b16"),
                e.getMessage());
        e = assertThrows(BitSweepException.class, () -> uniform("w=int4:asym,a=bfp:m8:b16"));
        assertTrue(e.getMessage().contains("int4:asym is not supported") && e.getMessage().contains("allowed: "),
                e.getMessage());
    }
}
