package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.format.Granularity;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.Layout;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.Rounding;
import io.bitsweep.eval.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code bitsweep quantize} end to end: real .npy files in and out, errors through CliErrors. */
class QuantizeCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new QuantizeCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler(new CliErrors(() -> false));
        cl.setParameterExceptionHandler(new CliErrors.UsageErrors());
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    float[] randomTensor(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian() * 3));
        }
        return x;
    }

    @ParameterizedTest
    @CsvSource({"mxfp4_e2m1,nearest", "bfp:m4:b16,even", "int4:pot,floor", "int8:asym,nearest", "mxint8:b16,floor", "fp32,even"})
    void writesTheQuantizedTensorWithTheSameShape(String spec, String mode) {
        int[] shape = {3, 4, 50};
        float[] x = randomTensor(600, 1);
        Path in = dir.resolve("x.npy");
        Path out = dir.resolve("sub/y.npy");
        Npy.writeFloats(in, x, shape);
        Run r = run("--format", spec, "--in", in.toString(), "--out", out.toString(), "--round", mode);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("quantized " + in + " to " + NumberFormat.parse(spec)), r.out());
        Npy.Array y = Npy.read(out);
        assertEquals(Npy.DType.FLOAT32, y.dtype());
        assertArrayEquals(shape, y.shape());
        NumberFormat f = NumberFormat.parse(spec);
        Layout l = f.layout(shape, spec.startsWith("int") || spec.equals("fp32") ? Granularity.perTensor() : Granularity.blocks(-1));
        float[] expected = new float[x.length];
        f.quantizeDequantize(x, expected, l, Rounding.parse(mode));
        assertArrayEquals(expected, y.toFloats());
    }

    @Test
    void perChannelAndBlockAxisOptions() {
        float[] x = randomTensor(8 * 40, 2);
        Path in = dir.resolve("w.npy");
        Npy.writeFloats(in, x, 8, 40);
        NumberFormat int4 = NumberFormat.parse("int4");
        float[] expected = new float[x.length];
        int4.quantizeDequantize(x, expected, int4.layout(new int[] {8, 40}, Granularity.perChannel(0)), Rounding.NEAREST);
        assertEquals(0, run("--format", "int4", "--per-channel", "0", "--in", in.toString(), "--out", dir.resolve("a.npy").toString()).exit());
        assertArrayEquals(expected, Npy.read(dir.resolve("a.npy")).toFloats());

        NumberFormat mx = NumberFormat.parse("mxint8:b4");
        mx.quantizeDequantize(x, expected, mx.layout(new int[] {8, 40}, Granularity.blocks(0)), Rounding.NEAREST);
        assertEquals(0, run("--format", "mxint8:b4", "--axis", "0", "--in", in.toString(), "--out", dir.resolve("b.npy").toString()).exit());
        assertArrayEquals(expected, Npy.read(dir.resolve("b.npy")).toFloats());
    }

    @Test
    void scalarsAndEmptyTensors() {
        Path in = dir.resolve("s.npy");
        Npy.writeFloats(in, new float[] {5.5f});
        assertEquals(0, run("--format", "mxfp4_e2m1", "--in", in.toString(), "--out", dir.resolve("s2.npy").toString()).exit());
        Npy.Array s = Npy.read(dir.resolve("s2.npy"));
        assertEquals(0, s.shape().length);
        assertArrayEquals(new float[] {6f}, s.toFloats());
        Npy.writeFloats(in, new float[0], 0, 7);
        assertEquals(0, run("--format", "int8", "--in", in.toString(), "--out", dir.resolve("e.npy").toString()).exit());
        assertArrayEquals(new int[] {0, 7}, Npy.read(dir.resolve("e.npy")).shape());
    }

    /**
     * Conformance against an independent NumPy model of OCP MX v1.0 (src/test/resources/.../mx_reference.py),
     * byte for byte, on a tensor with ragged blocks, zeros, -0.0, float32 subnormals and values near FLT_MAX.
     * Also checks that NumPy reads what we write and that we read what NumPy writes.
     */
    @Test
    void mxFormatsMatchAnIndependentNumpyModelByteForByte() throws Exception {
        Assumptions.assumeTrue(python("-c", "import numpy") == 0, "python3 with numpy is not available");
        Path script = dir.resolve("mx_reference.py");
        try (InputStream s = getClass().getResourceAsStream("mx_reference.py")) {
            Files.copy(s, script);
        }
        Path in = dir.resolve("in.npy");
        Path refs = Files.createDirectories(dir.resolve("ref"));
        assertEquals(0, python(script.toString(), "make", in.toString()));
        assertEquals(0, python(script.toString(), "ref", in.toString(), refs.toString()));
        for (String spec : List.of("mxint8", "mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1")) {
            Path out = dir.resolve(spec + ".npy");
            Run r = run("--format", spec, "--in", in.toString(), "--out", out.toString());
            assertEquals(0, r.exit(), r.err());
            Npy.Array ours = Npy.read(out);
            Npy.Array ref = Npy.read(refs.resolve(spec + ".npy"));
            assertArrayEquals(ref.shape(), ours.shape());
            byte[] a = new byte[ours.data().remaining()];
            byte[] b = new byte[ref.data().remaining()];
            ours.data().duplicate().get(a);
            ref.data().duplicate().get(b);
            assertArrayEquals(b, a, spec + ": output bytes differ from the NumPy model");
            assertEquals(0, python(script.toString(), "load", out.toString()), "numpy cannot load our " + spec + " output");
        }
    }

    static int python(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("python3"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return -1;
        }
        return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -2;
    }

    // ---- bad input: one line on stderr, exit 1 (bad file) or 2 (bad option value), nothing written ----

    Run badRun(Path in, String... extra) throws IOException {
        return bad(CliErrors.EXIT_FAILURE, in, extra);
    }

    Run badUsage(String... options) throws IOException {
        return bad(CliErrors.EXIT_USAGE, goodInput(), options);
    }

    Run bad(int exit, Path in, String... extra) throws IOException {
        Path out = dir.resolve("out.npy");
        Files.writeString(out, "previous content");
        List<String> args = new ArrayList<>(List.of("--in", in.toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        Run r = run(args.toArray(String[]::new));
        assertEquals(exit, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("previous content", Files.readString(out), "the output must stay untouched");
        return r;
    }

    Path goodInput() {
        Path in = dir.resolve("good.npy");
        Npy.writeFloats(in, new float[] {1, 2, 3, 4}, 4);
        return in;
    }

    @Test
    void unknownSpec() throws IOException {
        Run r = badUsage("--format", "mxfp5");
        assertTrue(r.err().startsWith("error: --format: unknown number format 'mxfp5' (allowed: int2..int16[:asym][:pot], pruned, fp32, bfp:m<2..16>:b<4..256>[:e<4..8>], mxint8"), r.err());
    }

    @Test
    void bitsOrBlockSizeOutOfRange() throws IOException {
        assertTrue(badUsage("--format", "int32").err().contains("32 bits is out of range (allowed: int2..int16)"));
        assertTrue(badUsage("--format", "bfp:m4:b512").err().contains("block size 512 is out of range (allowed: b4..b256)"));
        assertTrue(badUsage("--format", "mxint8:b1").err().contains("block size 1 is out of range (allowed: b4..b256)"));
        assertTrue(badUsage("--format", "bfp:m20:b16").err().contains("mantissa bits 20 is out of range (allowed: m2..m16)"));
    }

    @Test
    void badRoundingModeAxisOrGranularity() throws IOException {
        assertTrue(badUsage("--format", "int8", "--round", "up").err()
                .contains("--round: unknown rounding mode 'up' (allowed: nearest, even, floor)"));
        assertTrue(badRun(goodInput(), "--format", "mxint8", "--axis", "3").err()
                .contains("axis 3 is out of range for shape [4] (allowed: -1..0)"));
        assertTrue(badUsage("--format", "mxint8", "--per-channel", "0").err()
                .contains("--per-channel applies to integer formats"));
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path in = dir.resolve("f64.npy");
        Npy.write(in, new Npy.Array(Npy.DType.FLOAT64, new int[] {2}, ByteBuffer.allocate(16)));
        assertTrue(badRun(in, "--format", "int8").err().contains("f64.npy: dtype <f8 is not supported by quantize (allowed: float32 <f4"));
        Path half = npyWithHeader("{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", 4);
        assertTrue(badRun(half, "--format", "int8").err().contains("unsupported .npy dtype '<f2' (allowed: float32 <f4"));
        Path big = npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8);
        assertTrue(badRun(big, "--format", "int8").err().contains("unsupported .npy dtype '>f4'"));
    }

    @Test
    void corruptFiles() throws IOException {
        Path notNpy = dir.resolve("text.npy");
        Files.writeString(notNpy, "hello, this is not a numpy file");
        assertTrue(badRun(notNpy, "--format", "int8").err().contains("not a .npy file (missing the \\x93NUMPY magic)"));
        Path noShape = npyWithHeader("{'descr': '<f4', 'fortran_order': False, }", 8);
        assertTrue(badRun(noShape, "--format", "int8").err().contains("corrupt .npy header"));
        Path badShape = npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,x), }", 8);
        assertTrue(badRun(badShape, "--format", "int8").err().contains("corrupt .npy header (bad shape"));
        Path shortData = npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 8);
        assertTrue(badRun(shortData, "--format", "int8").err().contains(".npy data has 8 bytes but shape [3] of <f4 needs 12"));
        byte[] truncated = Files.readAllBytes(goodInput());
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, Arrays.copyOf(truncated, 40));
        assertTrue(badRun(cut, "--format", "int8").err().contains("corrupt .npy header (length"));
        Path fortran = npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", 8);
        assertTrue(badRun(fortran, "--format", "int8").err().contains("Fortran-order .npy arrays are not supported"));
        assertTrue(badRun(dir.resolve("missing.npy"), "--format", "int8").err().contains("no such file"));
    }

    @Test
    void nonFiniteValues() throws IOException {
        Path in = dir.resolve("nan.npy");
        Npy.writeFloats(in, new float[] {1, Float.NaN, 3}, 3);
        assertTrue(badRun(in, "--format", "bfp:m4:b4").err().contains("nan.npy: element 1 is NaN; bfp:m4:b4 needs finite values"));
        assertEquals(0, run("--format", "fp32", "--in", in.toString(), "--out", dir.resolve("ok.npy").toString()).exit());
    }

    /** H = E[x xT] of n random correlated vectors of length k, as float64 .npy. */
    Path hessian(int k, int n, long seed) {
        Random rnd = new Random(seed);
        double[] h = new double[k * k];
        double[] x = new double[k];
        for (int s = 0; s < n; s++) {
            double shared = rnd.nextGaussian();
            for (int i = 0; i < k; i++) {
                x[i] = shared + 0.5 * rnd.nextGaussian();
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    h[i * k + j] += x[i] * x[j] / n;
                }
            }
        }
        ByteBuffer b = ByteBuffer.allocate(8 * h.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : h) {
            b.putDouble(v);
        }
        Path p = dir.resolve("h" + seed + ".npy");
        Npy.write(p, new Npy.Array(Npy.DType.FLOAT64, new int[] {k, k}, b.flip()));
        return p;
    }

    static double weightedError(float[] x, float[] q, double[] h, int rows, int k) {
        double e = 0;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    e += (q[r * k + i] - x[r * k + i]) * h[i * k + j] * (q[r * k + j] - x[r * k + j]);
                }
            }
        }
        return e;
    }

    @Test
    void gptqRowsStayOnEachRowsGridAndCutTheHWeightedError() {
        int rows = 8;
        int k = 36;
        float[] x = randomTensor(rows * k, 3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.max(-4, Math.min(4, x[i])); // keep the rows' ranges comparable
        }
        Path in = dir.resolve("w.npy");
        Npy.writeFloats(in, x, rows, k);
        Path h = hessian(k, 200, 4);
        Path nearest = dir.resolve("nearest.npy");
        Path gptq = dir.resolve("gptq.npy");
        assertEquals(0, run("--format", "int3", "--per-channel", "0", "--in", in.toString(), "--out",
                nearest.toString()).exit());
        Run r = run("--format", "int3", "--per-channel", "0", "--in", in.toString(), "--out", gptq.toString(),
                "--weight-rounding", "gptq", "--hessian", h.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("(gptq, minmax scales, [8, 36] per channel along axis 0)"), r.out());
        float[] q = Npy.read(gptq).toFloats();
        double[] hm = Npy.toDoubles(Npy.read(h), h);
        IntFormat f = (IntFormat) NumberFormat.parse("int3");
        for (int row = 0; row < rows; row++) {
            float max = 0;
            for (int i = 0; i < k; i++) {
                max = Math.max(max, Math.abs(x[row * k + i]));
            }
            double scale = f.symmetricScale(max);
            for (int i = 0; i < k; i++) {
                double code = q[row * k + i] / scale;
                assertEquals(Math.rint(code), code, 1e-4, "row " + row + " element " + i + " is off the grid");
                assertTrue(Math.abs(code) <= f.qmax() + 1e-4);
            }
        }
        double eq = weightedError(x, q, hm, rows, k);
        double en = weightedError(x, Npy.read(nearest).toFloats(), hm, rows, k);
        assertTrue(eq < 0.8 * en, "gptq " + eq + " vs nearest " + en);
    }

    @Test
    void badWeightRoundingInputs() throws IOException {
        Path w = dir.resolve("w2.npy");
        Npy.writeFloats(w, randomTensor(4 * 9, 5), 4, 9);
        Path h = hessian(9, 50, 6);
        assertTrue(badRun(w, "--format", "int4", "--per-channel", "0", "--weight-rounding", "gptq").err()
                .contains("--weight-rounding gptq and --weight-scales hessian need --hessian H.npy"));
        assertTrue(badRun(w, "--format", "int4", "--per-channel", "0", "--weight-rounding", "adaround").err()
                .contains("--weight-rounding 'adaround' is not allowed (allowed: nearest, gptq)"));
        assertTrue(badRun(w, "--format", "int4", "--weight-rounding", "gptq", "--hessian", h.toString()).err()
                .contains("shape [9, 9] does not fit the rows of " + w + ": 1 rows of 36 elements (allowed: [36, 36])"));
        assertTrue(badRun(w, "--format", "int4:asym", "--per-channel", "0", "--weight-rounding", "gptq", "--hessian",
                h.toString()).err().contains("apply to symmetric integer formats"));
        assertTrue(badRun(w, "--format", "mxint8", "--weight-scales", "mse").err()
                .contains("apply to symmetric integer formats"));
        assertTrue(badRun(w, "--format", "int4", "--per-channel", "0", "--weight-rounding", "gptq", "--hessian",
                h.toString(), "--round", "floor").err().contains("the weight rounding methods round to nearest"));
        assertTrue(badRun(w, "--format", "int4", "--per-channel", "0", "--hessian", h.toString()).err()
                .contains("--hessian applies to --weight-rounding gptq or --weight-scales hessian"));
        double[] bad = Npy.toDoubles(Npy.read(h), h);
        bad[1] += 1;
        Path asym = dir.resolve("asym.npy");
        ByteBuffer b = ByteBuffer.allocate(8 * bad.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : bad) {
            b.putDouble(v);
        }
        Npy.write(asym, new Npy.Array(Npy.DType.FLOAT64, new int[] {9, 9}, b.flip()));
        assertTrue(badRun(w, "--format", "int4", "--per-channel", "0", "--weight-rounding", "gptq", "--hessian",
                asym.toString()).err().contains("--hessian " + asym + ": not symmetric: (0, 1)"));
        Path negative = dir.resolve("neg.npy");
        ByteBuffer nb = ByteBuffer.allocate(8 * 81).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 81; i++) {
            nb.putDouble(i % 10 == 0 ? (i == 0 ? -50 : 1) : 0);
        }
        Npy.write(negative, new Npy.Array(Npy.DType.FLOAT64, new int[] {9, 9}, nb.flip()));
        assertTrue(badRun(w, "--format", "int4", "--per-channel", "0", "--weight-rounding", "gptq", "--hessian",
                negative.toString()).err().contains("is not positive semi-definite"));
        Path ints = dir.resolve("ints.npy");
        Npy.write(ints, new Npy.Array(Npy.DType.INT32, new int[] {9, 9}, ByteBuffer.allocate(4 * 81)));
        assertTrue(badRun(w, "--format", "int4", "--per-channel", "0", "--weight-rounding", "gptq", "--hessian",
                ints.toString()).err().contains("dtype <i4 is not supported here (allowed: float32 <f4, float64 <f8)"));
    }

    /** A v1.0 .npy with a hand-written header and {@code dataBytes} zero bytes of data. */
    Path npyWithHeader(String dict, int dataBytes) throws IOException {
        String text = dict + " ".repeat(Math.max(0, 117 - dict.length())) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + text.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length());
        b.put(text.getBytes(StandardCharsets.ISO_8859_1));
        Path p = Files.createTempFile(dir, "hand", ".npy");
        Files.write(p, b.array());
        return p;
    }
}
