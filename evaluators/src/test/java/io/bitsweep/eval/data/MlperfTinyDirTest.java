package io.bitsweep.eval.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.bitsweep.eval.assets.Assets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every reader on the real MLPerf Tiny data. Expected values were computed independently with NumPy from the same
 * files (np.frombuffer + the README's preprocessing; hashlib over raw bytes + struct.pack('<i', label)).
 */
class MlperfTinyDirTest {

    private static TinyDataset open(String name) {
        return Datasets.open(Assets.dir().resolve("data").resolve(name));
    }

    private static float[] input(Dataset d, int sample, int window) {
        float[] x = new float[d.inputSize()];
        d.input(sample, window, x);
        return x;
    }

    private static int[] labelHistogram(Dataset d) {
        int[] h = new int[d.classes()];
        for (int i = 0; i < d.size(); i++) {
            h[d.label(i)]++;
        }
        return h;
    }

    @Test
    void ic01RawPixelValues() {
        TinyDataset d = open("ic01");
        assertSame(TaskKind.IC, d.kind());
        assertEquals(200, d.size());
        assertEquals(1, d.inputsPerSample());
        assertArrayEquals(new int[] {32, 32, 3}, d.inputShape());
        assertEquals("lippizaner_s_000613.bin", d.id(0));
        assertEquals(7, d.label(0));
        assertEquals("felis_catus_s_001124.bin", d.id(199));
        assertEquals(3, d.label(199));
        assertArrayEquals(new float[] {51, 43, 62, 74, 77}, Arrays.copyOf(input(d, 0, 0), 5));
        assertArrayEquals(new int[] {21, 17, 28, 25, 14, 22, 14, 17, 26, 16}, labelHistogram(d));
        assertEquals("e49bd42ba5c4e14f5ed6d121926049c7e6b860d7c082ec863ebc174bea33486f", d.sha256());
    }

    @Test
    void vww01ScaledToUnitRange() {
        TinyDataset d = open("vww01");
        assertSame(TaskKind.VWW, d.kind());
        assertEquals(1000, d.size());
        assertArrayEquals(new int[] {96, 96, 3}, d.inputShape());
        assertEquals("000000343218.bin", d.id(0));
        assertEquals(1, d.label(0));
        assertArrayEquals(new float[] {0.16078432f, 0.1882353f, 0.16078432f, 0.14117648f, 0.16078432f},
                Arrays.copyOf(input(d, 0, 0), 5));
        assertArrayEquals(new int[] {500, 500}, labelHistogram(d));
        assertEquals("07ec80eed5a1e0340a6525cbafe011f7ae25571c58dc8dbac8726d9f90e7ad38", d.sha256());
    }

    @Test
    void kws01DequantizedWithTheInt8ModelsInputParameters() {
        TinyDataset d = open("kws01");
        assertSame(TaskKind.KWS, d.kind());
        assertEquals(1000, d.size());
        assertArrayEquals(new int[] {49, 10, 1}, d.inputShape());
        assertEquals("tst_000000_Stop_7.bin", d.id(0));
        assertEquals(7, d.label(0));
        assertEquals(8, d.label(999));
        // raw int8 2, 85, 81, 81, 79: (q - 83) * 0.5847029f
        assertArrayEquals(new float[] {-47.360935f, 1.1694058f, -1.1694058f, -1.1694058f, -2.3388116f},
                Arrays.copyOf(input(d, 0, 0), 5));
        assertEquals(0.5847029089927673f, TinyLayout.KWS_INPUT_SCALE);
        assertArrayEquals(new int[] {92, 92, 81, 89, 70, 84, 75, 78, 84, 89, 80, 86}, labelHistogram(d));
        assertEquals("3f4dd916a3004c257c06e8be6f948acd130ff709ca29f1dd13dad5b5f4a72ffa", d.sha256());
    }

    @Test
    void ad01SlidingFiveFrameWindows() {
        TinyDataset d = open("ad01");
        assertSame(TaskKind.AD, d.kind());
        assertEquals(248, d.size());
        assertEquals(196, d.inputsPerSample());
        assertEquals(640, d.inputSize());
        assertEquals("normal_id_01_00000003_hist_librosa.bin", d.id(0));
        assertEquals(0, d.label(0));
        assertEquals(1, d.label(247));
        float[] first = input(d, 0, 0);
        assertArrayEquals(new float[] {-44.31146f, -31.046501f, -18.41447f}, Arrays.copyOf(first, 3));
        float[] last = input(d, 0, 195);
        assertEquals(-42.49318f, last[0]); // frame 195, bin 0
        assertEquals(-63.208363f, last[639]); // frame 199, bin 127: the file's last float
        // stride one frame: window 1 is window 0 shifted by 128 floats
        float[] second = input(d, 0, 1);
        assertArrayEquals(Arrays.copyOfRange(first, 128, 640), Arrays.copyOf(second, 512));
        assertArrayEquals(new int[] {140, 108}, labelHistogram(d));
        assertEquals("1a29e421c777d12a3e56f38726420ab32477334c7e0c1b3145ec94c9678dc856", d.sha256());
    }

    @Test
    void sha256IsStableAcrossReads() {
        assertEquals(open("ic01").sha256(), open("ic01").sha256());
    }
}
