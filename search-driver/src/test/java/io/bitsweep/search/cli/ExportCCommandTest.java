package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.io.Npy;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bitsweep export --format c}: the library compiles with {@code gcc -std=c99 -Wall -Wextra -Werror -O2}
 * (its Makefile) and its {@code bitsweep_run} gives byte for byte the outputs of {@code eval --save-outputs}, on the
 * inputs {@code eval --save-inputs} wrote, under both arithmetic profiles: the four MLPerf Tiny int8 models as they
 * are (every sample) and quantized points (w8a8 on each model, mixed 2/4/8 with pruned channels, int4 activations,
 * pot, residual fusion).
 */
class ExportCCommandTest {
    private static final String IC_FLOAT = "models/ic/pretrainedResnet.tflite";

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsGcc() {
        assumeCToolchain();
    }

    /** Skips without gcc and make (a developer machine; .ci/run installs both, so CI never skips). */
    static void assumeCToolchain() {
        for (String tool : List.of("gcc", "make")) {
            assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool))),
                    tool + " is not installed (.ci/run installs it)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tflite-2.6", "tflite-micro"})
    void int8ModelsAsTheyAre(String arithmetic) throws Exception {
        sameBytes("ic", "models/ic/pretrainedResnet_quant.tflite", "data/ic01", 0, arithmetic, List.of());
        sameBytes("kws", "models/kws/kws_ref_model.tflite", "data/kws01", 0, arithmetic, List.of());
        sameBytes("vww", "models/vww/vww_96_int8.tflite", "data/vww01", 0, arithmetic, List.of());
        sameBytes("ad", "models/ad/ad01_int8.tflite", "data/ad01", 0, arithmetic, List.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tflite-2.6", "tflite-micro"})
    void w8a8OnEveryModel(String arithmetic) throws Exception {
        List<String> w8a8 = List.of("--uniform", "w=int8,a=int8");
        sameBytes("ic", IC_FLOAT, "data/ic01", 40, arithmetic, w8a8);
        sameBytes("kws", "models/kws/kws_ref_model_float32.tflite", "data/kws01", 40, arithmetic, w8a8);
        sameBytes("vww", "models/vww/vww_96_float.tflite", "data/vww01", 40, arithmetic, w8a8);
        sameBytes("ad", "models/ad/ad01_fp32.tflite", "data/ad01", 4, arithmetic, w8a8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tflite-2.6", "tflite-micro"})
    void mixedWidthsPrunedChannelsLowActivationsPotAndResidualFusion(String arithmetic) throws Exception {
        Path mixed = mixedAssignment(Assets.resolve(IC_FLOAT), "");
        String perLayer = sameBytes("mixed", IC_FLOAT, "data/ic01", 40, arithmetic,
                List.of("--assignment", mixed.toString()));
        // the pruned channels' constants are folded: the next layers drop those input channels
        assertTrue(Pattern.compile("export: conv_2d_\\d+: \\d+ channels, \\d+ pruned, [1-9]\\d* pruned inputs "
                + "dropped").matcher(perLayer).find(), perLayer);
        Path fused = mixedAssignment(Assets.resolve(IC_FLOAT), ", \"fusion\": \"residual\"");
        sameBytes("fused", IC_FLOAT, "data/ic01", 40, arithmetic, List.of("--assignment", fused.toString()));
        assertTrue(Files.readString(tmp.resolve("fused-" + arithmetic).resolve("bitsweep_weights.c"))
                .contains(" fused into it: "), "no residual ADD fused");
        sameBytes("a4", "models/kws/kws_ref_model_float32.tflite", "data/kws01", 40, arithmetic,
                List.of("--uniform", "w=int4,a=int4"));
        sameBytes("pot", IC_FLOAT, "data/ic01", 40, arithmetic, List.of("--uniform", "w=int4:pot,a=int8:pot"));
        // power-of-two scales requantize by a shift alone: no layer stores a multiplier
        assertTrue(!Files.readString(tmp.resolve("pot-" + arithmetic).resolve("bitsweep_weights.c"))
                .contains("_multiplier["), "a pot layer stores multipliers");
    }

    /**
     * An assignment of the IC float model whose conv and fully connected layers cycle their channels through int8,
     * int4, int2 and pruned (the last layer keeps int8 so that every class has logits), activations int8 ({@code
     * extra} is appended to the document, e.g. a fusion key).
     */
    private Path mixedAssignment(Path model, String extra) throws IOException {
        Model m = ModelFiles.load(model);
        String[] cycle = {"int8", "int4", "int2", "pruned"};
        List<String> layers = new ArrayList<>();
        List<Op> weighted = m.ops().stream().filter(o -> o.type() == OpType.CONV_2D
                || o.type() == OpType.DEPTHWISE_CONV_2D || o.type() == OpType.FULLY_CONNECTED).toList();
        for (Op op : weighted.subList(0, weighted.size() - 1)) {
            int channels = m.outputChannels(op);
            List<String> formats = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                formats.add("\"" + cycle[c % cycle.length] + "\"");
            }
            layers.add("\"" + op.name() + "\": {\"weights\": [" + String.join(", ", formats) + "]}");
        }
        Path file = tmp.resolve("mixed" + extra.hashCode() + ".json");
        Files.writeString(file, "{\"schema\": \"bitsweep.assignment/1\", \"defaults\": {\"weights\": \"int8\", "
                + "\"activations\": \"int8\"}, \"layers\": {" + String.join(", ", layers) + "}" + extra + "}");
        return file;
    }

    /**
     * eval --save-inputs/--save-outputs, export, make, bitsweep_run on the saved inputs: the outputs are the same
     * bytes. {@code limit} 0: every sample.
     */
    /** @return the export's stderr (its per-layer lines) */
    private String sameBytes(String name, String model, String data, int limit, String arithmetic, List<String> source)
            throws Exception {
        // AD's y_labels.csv lists 140 normal clips, then the anomalous ones: a window on both classes for its AUC
        int offset = name.equals("ad") && limit > 0 ? 138 : 0;
        String m = Assets.resolve(model).toString();
        String d = Assets.resolve(data).toString();
        String tag = name + "-" + arithmetic;
        Path in = tmp.resolve(tag + "-in.npy");
        Path expected = tmp.resolve(tag + "-expected.npy");
        Path actual = tmp.resolve(tag + "-actual.npy");
        Path dir = tmp.resolve(tag);
        List<String> eval = new ArrayList<>(List.of("--model", m, "--data", d, "--arithmetic", arithmetic,
                "--save-inputs", in.toString(), "--save-outputs", expected.toString(), "--limit",
                Integer.toString(limit), "--offset", Integer.toString(offset)));
        eval.addAll(source.isEmpty() ? List.of("--engine", "exact") : source);
        CliRun e = CliRun.run(new EvalCommand(), eval.toArray(String[]::new));
        assertEquals(0, e.exit(), tag + ": " + e.err());
        List<String> export = new ArrayList<>(List.of("--model", m, "--format", "c", "--out", dir.toString(),
                "--arithmetic", arithmetic));
        if (!source.isEmpty()) {
            export.addAll(source);
            export.addAll(List.of("--data", d));
        }
        CliRun x = CliRun.run(new ExportCommand(), export.toArray(String[]::new));
        assertEquals(0, x.exit(), tag + ": " + x.err());
        run(tag, dir, "make", "-s", "-C", dir.toString());
        run(tag, dir, dir.resolve("bitsweep_run").toString(), in.toString(), actual.toString());
        Npy.Array want = Npy.read(expected);
        Npy.Array got = Npy.read(actual);
        assertEquals(Npy.DType.INT8, got.dtype(), tag);
        assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()), tag);
        assertEquals("none", firstDifference(want.data(), got.data()), tag);
        return x.err();
    }

    private static String firstDifference(ByteBuffer a, ByteBuffer b) {
        if (a.equals(b)) {
            return "none";
        }
        for (int i = 0; i < Math.min(a.remaining(), b.remaining()); i++) {
            if (a.get(a.position() + i) != b.get(b.position() + i)) {
                return "byte " + i + ": " + a.get(a.position() + i) + " != " + b.get(b.position() + i);
            }
        }
        return "lengths " + a.remaining() + " != " + b.remaining();
    }

    private static void run(String tag, Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output;
        try (var r = p.inputReader()) {
            output = r.lines().collect(Collectors.joining("\n"));
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), tag + ": " + String.join(" ", command) + " timed out");
        assertEquals(0, p.exitValue(), tag + ": " + String.join(" ", command) + ": " + output);
    }
}
