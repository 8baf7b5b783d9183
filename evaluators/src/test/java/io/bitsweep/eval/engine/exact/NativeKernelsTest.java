package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bitsweep.eval.BitSweepException;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native kernel gives the Java kernels' bytes on every sample of every {@link ExactCases} program (skipped where
 * the native library does not load), and the fallback to the Java kernels, which every build tests.
 */
class NativeKernelsTest {

    static List<ExactCases.Case> cases() {
        return ExactCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nativeAndJavaKernelsGiveIdenticalBytes(ExactCases.Case c) {
        assumeTrue(NativeKernels.available(), "native kernels: " + NativeKernels.failure());
        ProgramSpec spec = c.spec().get();
        ExactPredictor java = new ExactPredictor(spec.withOptions(spec.options().withKernels(Kernels.JAVA)));
        ExactPredictor nat = new ExactPredictor(spec.withOptions(spec.options().withKernels(Kernels.NATIVE)));
        byte[][] inputs = ExactCases.rawInputs(java.program(), c.data());
        byte[][] expected = ExactCases.run(java, inputs);
        byte[][] actual = ExactCases.run(nat, inputs);
        for (int i = 0; i < inputs.length; i++) {
            assertArrayEquals(expected[i], actual[i], c + ": input " + i);
        }
        assertEquals(java.program().saturations(), nat.program().saturations(), c + ": saturations");
        // every tensor of one batch, not only the outputs
        for (int s = 0; s < Math.min(java.batchCapacity(), inputs.length); s++) {
            byte[][] a = java.program().tensorBuffers(s);
            byte[][] b = nat.program().tensorBuffers(s);
            for (int t = 0; t < a.length; t++) {
                assertArrayEquals(a[t], b[t], c + ": tensor " + t + " of sample " + s + " of the last batch");
            }
        }
        System.out.println(c + ": " + inputs.length + " inputs byte-identical on the native and Java kernels");
    }

    /** The case above checks their bytes; this, that the sharing happens (else that check would prove nothing). */
    @Test
    void resnetDownsamplingStagesQuantizeTheirBlockInputOnceForBothConvs() {
        assumeTrue(NativeKernels.available(), "native kernels: " + NativeKernels.failure());
        List<ExactCases.Case> block = cases().stream()
                .filter(c -> List.of("ic bfp:m8:b16", "ic mxint8").contains(c.toString())).toList();
        assertEquals(2, block.size(), "the block cases of ExactCases");
        for (ExactCases.Case c : block) {
            ProgramSpec spec = c.spec().get();
            IntegerProgram nat = new IntegerProgram(spec.withOptions(spec.options().withKernels(Kernels.NATIVE)));
            IntegerProgram java = new IntegerProgram(spec.withOptions(spec.options().withKernels(Kernels.JAVA)));
            assertEquals(2, nat.sharedBlockInputs(), c + ": the 3x3 conv and 1x1 shortcut of two stages");
            assertEquals(0, java.sharedBlockInputs(), c + ": Java kernels");
        }
    }

    /** As above: the byte comparison covers the native ADD only if the cases run it (ResNet-8's 3 unfused ADDs). */
    @Test
    void resnetResidualAddsRunOnTheNativeKernel() {
        assumeTrue(NativeKernels.available(), "native kernels: " + NativeKernels.failure());
        List<ExactCases.Case> resnet = cases().stream()
                .filter(c -> List.of("ic", "ic bfp:m8:b16", "ic mxint8").contains(c.toString())).toList();
        assertEquals(3, resnet.size(), "the ResNet-8 cases of ExactCases");
        for (ExactCases.Case c : resnet) {
            ProgramSpec spec = c.spec().get();
            IntegerProgram nat = new IntegerProgram(spec.withOptions(spec.options().withKernels(Kernels.NATIVE)));
            IntegerProgram java = new IntegerProgram(spec.withOptions(spec.options().withKernels(Kernels.JAVA)));
            assertArrayEquals(new int[] {3, 3}, nat.nativeAdds(), c + ": native ADDs, all ADDs");
            assertArrayEquals(new int[] {0, 3}, java.nativeAdds(), c + ": Java kernels");
        }
    }

    @Test
    void javaKernelsRunEverywhereAndAutoFallsBackToThem() {
        assertFalse(NativeKernels.use(Kernels.JAVA, null));
        assertTrue(NativeKernels.use(Kernels.AUTO, null));
        assertFalse(NativeKernels.use(Kernels.AUTO, "no library"));
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> NativeKernels.use(Kernels.NATIVE, "the CPU lacks AVX-512 VNNI"));
        assertEquals("kernels native: the CPU lacks AVX-512 VNNI (use kernels auto or java)", e.getMessage());
    }

    @Test
    void aLibraryThatIsNotThereIsAReasonNotAnError() {
        String reason = withSwitch(null,
                () -> NativeKernels.load("/io/bitsweep/eval/engine/exact/native/no-such-platform/lib.so"));
        assertNotNull(reason);
        assertFalse(reason.contains("\n"), reason);
        assertTrue(reason.contains("not in this build") || reason.contains("no native kernel"), reason);
    }

    @Test
    void theSwitchMakesTheLibraryNotLoad() {
        assertEquals("the native kernels are switched off (-Dbitsweep.native.kernels=false)",
                withSwitch("false", () -> NativeKernels.load(NativeKernels.RESOURCE)));
    }

    /** {@code load} with the switch property set to {@code value} (null: unset), restored afterwards. */
    private static String withSwitch(String value, Supplier<String> load) {
        // the class's own state first: its initializer loads the library, which must not see the value set here
        NativeKernels.available();
        String before = System.getProperty(NativeKernels.SWITCH);
        set(value);
        try {
            return load.get();
        } finally {
            set(before);
        }
    }

    private static void set(String value) {
        if (value == null) {
            System.clearProperty(NativeKernels.SWITCH);
        } else {
            System.setProperty(NativeKernels.SWITCH, value);
        }
    }

    @Test
    void kernelsAreParsedWithOneLineErrors() {
        assertEquals(Kernels.NATIVE, Kernels.parse("native"));
        assertEquals("auto", Kernels.AUTO.label());
        BitSweepException e = assertThrows(BitSweepException.class, () -> Kernels.parse("gpu"));
        assertEquals("kernels 'gpu' is not allowed (allowed: auto, java, native)", e.getMessage());
    }
}
