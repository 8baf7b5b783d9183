package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.GeneratedModels;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.io.Npy;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bitsweep bench --engines}: the selection and the ratio columns, not the figures (never a timed test). */
class BenchCommandTest {
    private static final String FLOAT = Assets.resolve("models/ic/pretrainedResnet.tflite").toString();
    private static final String INT8 = Assets.resolve("models/ic/pretrainedResnet_quant.tflite").toString();
    private static final String DATA = Assets.resolve("data/ic01").toString();

    @Test
    void unknownEngineIsAOneLineErrorListingTheAllowedNames() {
        CliRun r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--int8-model", INT8, "--data", DATA,
                "--engines", "exact-int8,exact-int4");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("--engines") && r.err().contains("'exact-int4'"), r.err());
        assertTrue(r.err().contains(String.join(", ", BenchCommand.ENGINE_NAMES)), r.err());

        r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--int8-model", INT8, "--data", DATA,
                "--rounds", "0");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--rounds must be at least 1, got 0"), r.err());

        r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--int8-model", INT8, "--data", DATA,
                "--kernels", "java,gpu");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--kernels 'gpu' is not allowed (allowed: auto, java, native)"),
                r.err());

        r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--int8-model", INT8, "--data", DATA,
                "--batch-size", "0");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--batch-size must be in 1..256, got 0"), r.err());
    }

    @Test
    void severalKernelsGiveOneRowPerExactEngineAndKernel() {
        CliRun r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--int8-model", INT8, "--data", DATA,
                "--engines", "djl-int8,exact-int8", "--kernels", "java,auto", "--batch-size", "4",
                "--seconds", "0.05", "--rounds", "2");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(List.of("engine", "djl-int8", "exact-int8:java", "exact-int8:auto"),
                lines.stream().map(l -> l.strip().split("\\s+")[0]).toList(), r.out());
        // time/int8 is against exact-int8 on the same kernels
        assertEquals("1.00", lines.get(2).strip().split("\\s+")[7]);
        assertEquals("1.00", lines.get(3).strip().split("\\s+")[7]);
    }

    @Test
    void runsOnlyTheSelectedEnginesAndLeavesMissingReferencesBlank() {
        CliRun r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--int8-model", INT8, "--data", DATA,
                "--engines", "exact-int8,exact-w4a8", "--seconds", "0.05", "--rounds", "3");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(2).startsWith("exact-w4a8"), lines.get(2));
        assertTrue(lines.get(0).strip().endsWith("time/int8"), lines.get(0));
        String[] row = lines.get(1).strip().split("\\s+");
        assertEquals("exact-int8", row[0]);
        // no DJL engine ran: its ratio columns are "-"; against itself the time ratio is 1
        assertEquals(List.of("-", "-", "1.00"), List.of(row[5], row[6], row[7]));
    }

    @Test
    void anOnnxModelBenchesAgainstOnnxRuntimeOnItsGeneratedInputs() {
        String onnx = GeneratedModels.file("tv_resnet18_96", "tv_resnet18_96.onnx").toString();
        String inputs = GeneratedModels.file("tv_resnet18_96", "inputs_f32.npy").toString(); // NCHW, as ONNX takes
        CliRun r = CliRun.run(new BenchCommand(), "--float-model", onnx, "--data", inputs,
                "--engines", "onnxruntime,exact-w8a8,exact-w4a8", "--seconds", "0.05", "--rounds", "2");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(List.of("engine", "onnxruntime", "exact-w8a8", "exact-w4a8"),
                lines.stream().map(l -> l.strip().split("\\s+")[0]).toList(), r.out());
        // without an int8 model, time/int8 is against the w8a8 candidate
        assertEquals("1.00", lines.get(2).strip().split("\\s+")[7]);

        r = CliRun.run(new BenchCommand(), "--float-model", onnx, "--data", inputs, "--engines", "djl-float");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--engines: djl-float needs a .tflite --float-model"),
                r.err());
    }

    @Test
    void engineFilesAndNpyInputsAreCheckedInOneLine(@TempDir Path tmp) {
        CliRun r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--data", DATA, "--engines", "exact-int8");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--engines: exact-int8 needs --int8-model"), r.err());

        r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--data", DATA, "--engines", "onnxruntime");
        assertEquals(CliErrors.EXIT_USAGE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains("--engines: onnxruntime needs an .onnx --float-model"),
                r.err());

        Path wrong = tmp.resolve("wrong.npy");
        Npy.writeFloats(wrong, new float[10], 2, 5);
        r = CliRun.run(new BenchCommand(), "--float-model", FLOAT, "--data", wrong.toString(), "--engines", "float");
        assertEquals(CliErrors.EXIT_FAILURE, r.exit());
        assertTrue(r.oneLineError() && r.err().contains(wrong + ": shape [2, 5] is not [N, 32, 32, 3]"), r.err());
    }

    @Test
    void theDefaultEnginesAreThoseTheModelFilesAllow() {
        List<String> candidates = List.of("float", "exact-w8a8", "exact-w4a8", "exact-mixed", "exact-bfp",
                "exact-mxint8");
        assertEquals(BenchCommand.ENGINE_NAMES.stream().filter(e -> !e.equals("onnxruntime")).toList(),
                BenchCommand.defaultEngines(false, true));
        assertEquals(Stream.concat(Stream.of("djl-float"), candidates.stream())
                .toList(), BenchCommand.defaultEngines(false, false));
        assertEquals(Stream.concat(Stream.of("onnxruntime"), candidates.stream())
                .toList(), BenchCommand.defaultEngines(true, false));
    }
}
