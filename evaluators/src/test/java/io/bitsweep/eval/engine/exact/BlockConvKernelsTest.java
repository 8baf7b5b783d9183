package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.Padding;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native block conv against the Java block kernels on random layers: every output byte and the saturation
 * count, over block and integer input operands, geometries with padding and strides, ragged channel counts, weights spread over many binades (right
 * and left alignment shifts, all-zero blocks), all-zero input blocks, and accumulators narrow enough that some
 * pixels saturate (those the native form must leave to the exact path). Skipped where the native kernels do not
 * load.
 */
class BlockConvKernelsTest {

    @ParameterizedTest(name = "{0} x {1}, {2}-bit accumulator")
    @CsvSource({
        "bfp:m8:b16, bfp:m8:b16, 32",
        "mxint8, mxint8, 32",
        "mxint8, bfp:m8:b8, 24",
        "bfp:m8:b32, bfp:m4:b16, 32",
        "bfp:m8:b16, bfp:m8:b16, 16",
        "mxint8, mxint8, 12",
        "int8, bfp:m8:b16, 32",
        "int8, mxint8, 20",
    })
    void nativeBlockConvGivesTheJavaBytes(String inputSpec, String weightSpec, int bits) {
        assumeTrue(NativeKernels.available(), "native kernels: " + NativeKernels.failure());
        // int8: the integer operand q - zp (an int8 tensor read by a layer with block weights)
        BlockFormat af = inputSpec.equals("int8") ? null : (BlockFormat) NumberFormat.parse(inputSpec);
        BlockFormat wf = (BlockFormat) NumberFormat.parse(weightSpec);
        Random rnd = new Random(inputSpec.hashCode() * 31L + weightSpec.hashCode() + bits);
        int[] channelCounts = {3, 8, 16, 20, 32, 48};
        long nativeLayers = 0;
        long totalSaturations = 0;
        for (int trial = 0; trial < 12; trial++) {
            int cin = channelCounts[rnd.nextInt(channelCounts.length)];
            int cout = 1 + rnd.nextInt(40);
            int k = rnd.nextBoolean() ? 3 : 1;
            int stride = 1 + rnd.nextInt(2);
            ConvGeometry g = ConvGeometry.of(5 + rnd.nextInt(6), 5 + rnd.nextInt(6), cin, k, k, stride, stride, 1, 1,
                    rnd.nextBoolean() ? Padding.SAME : Padding.VALID);
            float scale = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(21) - 10);
            int zp = rnd.nextInt(256) - 128;
            float[] w = new float[cout * k * k * cin];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextInt(9) == 0 ? 0f : (float) Math.scalb(rnd.nextGaussian(), rnd.nextInt(25) - 12);
            }
            float[] bias = new float[cout];
            for (int c = 0; c < cout; c++) {
                bias[c] = (float) Math.scalb(rnd.nextGaussian(), rnd.nextInt(21) - 10);
            }
            float outScale = (float) Math.scalb(0.5 + rnd.nextDouble(), rnd.nextInt(21) - 10);
            int outZp = rnd.nextInt(-20, 20);
            boolean[] pruned = new boolean[cout];
            pruned[rnd.nextInt(cout)] = rnd.nextBoolean();
            int images = 3;
            byte[] x = new byte[images * g.inH() * g.inW() * cin];
            for (int i = 0; i < x.length; i++) {
                // whole pixels at the zero point (all-zero blocks), otherwise a random code
                x[i] = (byte) ((i / cin) % 7 == 3 ? zp : rnd.nextInt(256) - 128);
            }
            BlockWeights bw = BlockWeights.quantize(wf, w, cout, k * k, cin, pruned);
            byte[][] out = new byte[2][images * g.outH() * g.outW() * cout];
            long[] saturations = new long[2];
            boolean[] ranNative = new boolean[2];
            Kernels[] kernels = {Kernels.JAVA, Kernels.NATIVE};
            for (int i = 0; i < 2; i++) {
                BlockInputQuantizer iq = new BlockInputQuantizer(af, scale, zp);
                BlockChannels ch = new BlockChannels(bw, iq.operandScale(), bias, outScale, bits);
                AlignedAccumulator accumulator = new AlignedAccumulator(bits);
                OutputStage stage = new OutputStage(ch.multipliers, cout, outZp, -128, 127,
                        RequantRounding.DOUBLE, 32);
                BlockConv2d conv = new BlockConv2d(g, bw, iq, ch, accumulator, stage, kernels[i], images);
                conv.run(x, out[i], images);
                saturations[i] = accumulator.saturations();
                ranNative[i] = conv.runsNatively();
            }
            String what = "trial " + trial + ": " + g + ", " + cout + " channels";
            assertArrayEquals(out[0], out[1], what);
            assertEquals(saturations[0], saturations[1], what + ": saturations");
            nativeLayers += ranNative[1] ? 1 : 0;
            totalSaturations += saturations[1];
        }
        assertTrue(nativeLayers > 0, "no layer ran natively");
        if (bits <= 16) {
            assertTrue(totalSaturations > 0, "narrow accumulators must saturate (pixels left to the exact path)");
        }
    }
}
