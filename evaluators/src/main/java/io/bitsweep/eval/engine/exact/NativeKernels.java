package io.bitsweep.eval.engine.exact;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The native kernel library ({@code src/main/c}, built by Maven with the machine's gcc when present and packaged
 * for linux-x86_64 in the jar as {@value #RESOURCE}): extracted to a temporary file and loaded once per JVM. Where
 * it does not load (another platform, no gcc at build time, a CPU without AVX-512 VNNI, a linking error),
 * {@link Kernels#AUTO} runs the Java kernels and {@link Kernels#NATIVE} is a one-line error giving the reason.
 * {@code -Dbitsweep.native.kernels=false} makes a JVM behave as if it did not load: CI runs the exact-engine tests
 * that way too, so the fallback is tested on every build even where the library loads.
 */
final class NativeKernels {
    static final String RESOURCE = "/io/bitsweep/eval/engine/exact/native/linux-x86_64/libbitsweep_kernels.so";
    /** The system property that, set to {@code false}, keeps the library from loading. */
    static final String SWITCH = "bitsweep.native.kernels";
    /** Why the library did not load, or null if it did. */
    private static final String FAILURE = load(RESOURCE);

    private NativeKernels() {}

    /** Whether the native library is loaded and the CPU runs it. */
    static boolean available() {
        return FAILURE == null;
    }

    /** Why the native kernels are not available, or null if they are. */
    static String failure() {
        return FAILURE;
    }

    /** Whether layers compiled with these kernels run natively; {@link Kernels#NATIVE} where it cannot is an error. */
    static boolean use(Kernels kernels) {
        return use(kernels, FAILURE);
    }

    /** As {@link #use(Kernels)}, given why loading failed (null: it did not). */
    static boolean use(Kernels kernels, String failure) {
        return switch (kernels) {
            case JAVA -> false;
            case AUTO -> failure == null;
            case NATIVE -> {
                if (failure != null) {
                    throw new BitSweepException("kernels native: " + failure + " (use kernels auto or java)");
                }
                yield true;
            }
        };
    }

    /** Loads the library from a class-path resource; returns why it failed, or null. */
    static String load(String resource) {
        if ("false".equals(System.getProperty(SWITCH))) {
            return "the native kernels are switched off (-D" + SWITCH + "=false)";
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "there is no native kernel for " + os + "-" + arch + " (only linux-x86_64)";
        }
        try (InputStream in = NativeKernels.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "the native kernel library is not in this build (" + resource
                        + " is built by Maven only where gcc is installed)";
            }
            Path file = Files.createTempFile("bitsweep_kernels", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                // Linux keeps a loaded library mapped after its file is gone. Deleting it now, not at exit, leaves
                // nothing behind when an executor is killed (a run of the test suite left dozens in /tmp).
                Files.deleteIfExists(file);
            }
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return "the native kernel library did not load: " + String.valueOf(e.getMessage()).replace('\n', ' ');
        }
        if (!cpuSupported()) {
            return "this CPU lacks AVX-512 VNNI (avx512f, avx512bw, avx512_vnni)";
        }
        return null;
    }

    /** Whether the CPU has every instruction set the kernels use. */
    private static native boolean cpuSupported();

    /**
     * {@link NativeInt8Gemm#multiply}: rows {@code from .. to - 1}; the caller has checked every index.
     *
     * @param depthSteps the padded input depth over 4
     * @param vectors the 16-channel vectors of output channels
     */
    static native void int8Gemm(byte[] input, int[] pixels, int from, int to, int[] taps, int depthSteps,
            byte[] packed, int[] bias, int vectors, int[] acc);

    /**
     * {@link #int8Gemm} with the accumulators requantized in registers into {@code output} (pixel m's channels at
     * {@code outOffset + (m - from) · channels}), by {@link OutputStage#nativeTable}.
     *
     * @param rounding 0 single rounding, 1 double rounding (and SHIFT, whose powers of two skip the multiply)
     */
    static native void int8GemmRequantized(byte[] input, int[] pixels, int from, int to, int[] taps, int depthSteps,
            byte[] packed, int[] bias, int vectors, int[] requant, int rounding, int zeroPoint, int min, int max,
            int channels, byte[] output, int outOffset);

    /**
     * {@link Int8DepthwiseConv2d}'s native form, requantized in registers: output pixels {@code from .. to - 1} over
     * the unsigned padded input, weights int32 {@code [tap][16 · vectors]}, into {@code output} as
     * {@link #int8GemmRequantized} does.
     */
    static native void depthwise(byte[] input, int[] pixels, int from, int to, int[] taps, int[] weights, int[] bias,
            int vectors, int[] requant, int rounding, int zeroPoint, int min, int max, int channels, byte[] output,
            int outOffset);

    /**
     * {@link NativeBlockConv}'s input operand: {@code n} images [h][w][c] of {@code input} from {@code inOffset}
     * quantized into blocks of {@code blockSize} channels, into the padded mantissa bytes (m + offset, {@code cp}
     * per pixel), exponents and sums of |m| ({@code blocksPerPixel} per pixel); tables as
     * {@link BlockInputQuantizer}'s, with byte rows of m + offset. Returns the largest term bound of any block,
     * {@code Σ|m| · 2^max(0, e + maxShift)} (saturated at 2^62), and in {@code minExponent[0]} the smallest exponent
     * of a block that is not all zero.
     */
    static native long quantizeBlocks(byte[] input, int inOffset, int n, int h, int w, int c, int blockSize,
            int zeroPoint, byte[] tables, int[] exponentOfMax, int[] rowOfMax, int hp, int wp, int top, int left,
            int cp, int blocksPerPixel, int offset, int maxShift, byte[] mantissas, int[] exponents, int[] sumAbs,
            int[] minExponent);

    /**
     * {@link NativeBlockConv}'s sums, aligned and requantized, for output pixels {@code from .. to - 1}; pixels whose
     * terms it cannot prove exact are not written and get {@code failed[m] = 1} (else 0).
     *
     * @param layer {@link NativeBlockConv}'s per-layer table
     * @param limit the register's largest value minus the largest |bias|
     * @param proven every pixel is known to be exact (the per-pixel bounds are not computed)
     * @param minExponent the smallest exponent of an input block that is not all zero ({@link #quantizeBlocks}): a
     *     group of vectors whose smallest weight shift added to it is not negative only ever shifts left (no rounding
     *     form)
     */
    static native void blockConv(int[] layer, int segments, int vectors, long limit, byte[] mantissas, int cp,
            int[] exponents, int[] sumAbs, int blocksPerPixel, int[] pixels, int from, int to, int[] taps,
            byte[] packed, int depthSteps, int[] bias, int[] requant, int rounding, int zeroPoint, int min, int max,
            int channels, byte[] output, int outOffset, byte[] failed, boolean proven, int minExponent);

    /**
     * {@link Int8Add#run} on the first {@code count} elements: {@code output[i] = table[(a[i] & 0xFF) << 8 | (b[i] &
     * 0xFF)]}, the table with 3 bytes of slack past its 65,536 entries; the caller has checked the lengths.
     */
    static native void int8Add(byte[] a, byte[] b, byte[] output, int count, byte[] table);
}
