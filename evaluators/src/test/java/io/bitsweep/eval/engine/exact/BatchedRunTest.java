package io.bitsweep.eval.engine.exact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bitsweep.eval.data.TaskKind;
import io.bitsweep.eval.metrics.Evaluation;
import io.bitsweep.eval.metrics.SampleScoring;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A batch gives every sample exactly the bytes it gets alone: on every sample (every window, for AD) of every
 * {@link ExactCases} program, batches of 8 and of 5 (so that the last batch is ragged) against batches of 1; the
 * saturation counts and activation statistics too.
 */
class BatchedRunTest {

    static List<ExactCases.Case> cases() {
        return ExactCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void batchesGiveTheBytesOfSingleSamples(ExactCases.Case c) {
        ProgramSpec spec = c.spec().get();
        ExactPredictor single = new ExactPredictor(spec.withOptions(spec.options().withBatchSize(1)));
        byte[][] inputs = ExactCases.rawInputs(single.program(), c.data());
        byte[][] expected = ExactCases.run(single, inputs);
        for (int batch : new int[] {8, 5}) {
            ExactPredictor batched = new ExactPredictor(spec.withOptions(spec.options().withBatchSize(batch)));
            byte[][] actual = ExactCases.run(batched, inputs);
            for (int i = 0; i < inputs.length; i++) {
                assertArrayEquals(expected[i], actual[i], c + ", batch " + batch + ": input " + i);
            }
            assertEquals(single.program().saturations(), batched.program().saturations(), c + ": saturations");
            if (spec.options().statistics()) {
                assertEquals(statistics(single.program()), statistics(batched.program()), c + ": statistics");
            }
        }
        System.out.println(c + ": " + inputs.length + " inputs, batches of 8 and 5 byte-identical to batches of 1");
    }

    @Test
    void sampleScoringGivesTheSameOutcomesAndRawOutputsInBatches() {
        for (ExactCases.Case c : List.of(cases().get(0), cases().get(3))) { // ic (classification), ad (windows)
            ProgramSpec spec = c.spec().get();
            Evaluation.Result one = Evaluation.run(new ExactPredictor(spec.withOptions(spec.options()
                    .withBatchSize(1))), c.data(), 0, true);
            Evaluation.Result eight = Evaluation.run(new ExactPredictor(spec), c.data(), 0, true);
            assertEquals(8, spec.options().batchSize());
            assertArrayEquals(one.labels(), eight.labels(), c.name());
            assertArrayEquals(one.predicted(), eight.predicted(), c.name());
            assertArrayEquals(one.scores(), eight.scores(), c.name());
            assertArrayEquals(one.outputs(), eight.outputs(), c.name());
            assertArrayEquals(one.rawOutputs(), eight.rawOutputs(), c.name());
        }
    }

    /**
     * Inputs quantized once ({@link SampleScoring#runQuantized}, as a search executor scores its cached shard) give
     * every sample the outcome that decoding and quantizing its input per run gives: on every {@link ExactCases}
     * classification program, whose int8, mixed and block-format first layers read the quantized input differently.
     */
    @Test
    void inputsQuantizedOnceGiveTheOutcomesOfDecodingEachInput() {
        for (ExactCases.Case c : cases()) {
            if (c.data().kind() == TaskKind.AD) {
                continue;
            }
            ExactPredictor p = new ExactPredictor(c.spec().get());
            int n = c.data().size();
            byte[] codes = new byte[n * p.inputBytes()];
            float[] input = new float[c.data().inputSize()];
            for (int s = 0; s < n; s++) {
                c.data().input(s, 0, input);
                p.quantizeInput(input, codes, s * p.inputBytes());
            }
            List<SampleScoring.Outcome> decoded = new ArrayList<>();
            SampleScoring.run(p, c.data(), 0, n, null, (s, o) -> decoded.add(o));
            List<SampleScoring.Outcome> quantized = new ArrayList<>();
            // From sample 1: a range that does not start at 0 reads each sample's codes at its own offset.
            quantized.add(decoded.get(0));
            SampleScoring.runQuantized(p, codes, c.data(), 1, n, (s, o) -> quantized.add(o));
            assertEquals(decoded, quantized, c.name());
        }
        ExactCases.Case ad = cases().get(3);
        ExactPredictor p = new ExactPredictor(ad.spec().get());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleScoring.runQuantized(p, new byte[0], ad.data(), 0, 1, (s, o) -> { }));
        assertEquals("quantized inputs score classification only (AD scores the float input)", e.getMessage());
    }

    @Test
    void aBatchLargerThanTheCapacityIsRefused() {
        ProgramSpec spec = cases().get(0).spec().get();
        IntegerProgram p = new IntegerProgram(spec.withOptions(spec.options().withBatchSize(2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.run(new byte[3 * p.inputBytes()], 3));
        assertEquals("batch of 3 samples (allowed: 1..2)", e.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> ExactOptions.tflite().withBatchSize(0));
        assertEquals("batch size must be in 1..256, got 0", size.getMessage());
    }

    private static Map<String, List<Long>> statistics(IntegerProgram p) {
        Map<String, List<Long>> out = new java.util.LinkedHashMap<>();
        p.statistics().layers().forEach((name, l) -> out.put(name, Arrays.asList(l.elements(), l.zeros(),
                l.magnitudeBits(), (long) (l.meanExponentSpread() * 1e9))));
        return out;
    }
}
