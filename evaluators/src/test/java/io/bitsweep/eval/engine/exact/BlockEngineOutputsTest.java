package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Guards the block kernels' speed work: on the float IC model (ResNet-8) and the first 50 ic01 images, every byte
 * of every activation tensor (not only the softmax output, which hides small differences) and the saturation count
 * must equal what the reference implementation computed. The digests were recorded from the block kernels of commit
 * 30fd7c6 (before any optimisation); a change to the block arithmetic's results changes them.
 */
class BlockEngineOutputsTest {
    static final int IMAGES = 50;
    static Model ic;
    static Dataset ic01;

    @BeforeAll
    static void load() {
        ic = TfliteImporter.load(Assets.resolve("models/ic/pretrainedResnet.tflite"));
        ic01 = Datasets.open(Assets.resolve("data/ic01"));
    }

    /** SHA-256 over, per image, every tensor buffer in tensor order, then the saturation count. */
    static String digest(String uniform) throws Exception {
        ExactPredictor p = Quantizer.predictor(ic, Assignment.parseUniform(uniform), "--uniform", ic01,
                Quantizer.DEFAULT_CALIBRATION_SAMPLES);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        float[] in = new float[ic01.inputSize()];
        float[] out = new float[p.outputSize()];
        for (int i = 0; i < IMAGES; i++) {
            ic01.input(i, 0, in);
            p.predict(in, out);
            for (byte[] b : p.program().tensorBuffers()) {
                if (b != null) {
                    sha.update(b);
                }
            }
        }
        sha.update(ByteBuffer.allocate(8).putLong(p.program().saturations()).array());
        return HexFormat.of().formatHex(sha.digest());
    }

    @Test
    void bfpM8B16OutputsAreUnchanged() throws Exception {
        assertEquals("992fc476f11a4ed9dfd4c3115a673491d4439d410211f4461413eff577b6ecdd", digest("w=bfp:m8:b16,a=bfp:m8:b16"));
    }

    @Test
    void mxint8OutputsAreUnchanged() throws Exception {
        assertEquals("5043e049ec1cedff77ee3502ff8266692b311a4f4ed6d39f7dfde4b47ef030ab", digest("w=mxint8,a=mxint8"));
    }
}
