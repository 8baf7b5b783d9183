package io.bitsweep.eval.export.c;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.engine.exact.ActivationRange;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.Int8Add;
import io.bitsweep.eval.engine.exact.Int8FixedPointSoftmax;
import io.bitsweep.eval.engine.exact.Int8Softmax;
import io.bitsweep.eval.engine.exact.IntegerProgram;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.engine.exact.QuantizedMultiplier;
import io.bitsweep.eval.engine.exact.RequantRounding;
import io.bitsweep.eval.export.ExportedModel;
import io.bitsweep.eval.model.ConvGeometry;
import io.bitsweep.eval.model.DType;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.Padding;
import io.bitsweep.eval.model.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a {@link ProgramSpec}, what the exact engine runs, as a self-contained C99 library for microcontrollers
 * (docs/EXPORT.md): {@code bitsweep_model.h} (the API, sizes and provenance), {@code bitsweep_model.c} (the one
 * static arena and the steps), {@code bitsweep_weights.c/.h} (packed weights and per-layer parameters),
 * {@code bitsweep_kernels.c/.h} (the integer kernels, the same for every model), a {@code bitsweep_run.c} harness
 * and a {@code Makefile}. It computes the engine's bytes under the spec's arithmetic profile. Block arithmetic
 * (BFP/MX) is refused with a one-line error naming the layer.
 */
public final class CExporter {
    static final List<String> STATIC_FILES = List.of("bitsweep_kernels.h", "bitsweep_kernels.c", "bitsweep_run.c",
            "Makefile");

    private final ProgramSpec spec;
    private final Model model;
    private final Schedule schedule;
    private final PrunedConstants constants;
    private final CSource weights = new CSource();
    private final CSource weightDecls = new CSource();
    private final List<String> calls = new ArrayList<>();
    private final List<PackedLayer> layers = new ArrayList<>();
    private long tableBytes;
    private int scratch;

    private CExporter(ProgramSpec spec) {
        this.spec = spec;
        this.model = spec.model();
        this.schedule = new Schedule(spec);
        this.constants = new PrunedConstants(spec);
    }

    /**
     * @param provenance what the header and comments record (e.g. model, model_sha256, run_id, config_sha256,
     *     data_sha256), in order
     */
    public static ExportedModel export(ProgramSpec spec, Map<String, String> provenance) {
        new IntegerProgram(spec.withOptions(spec.options().withBatchSize(1))); // refuses, in one line, what the engine does not run
        return new CExporter(spec).export(provenance);
    }

    private ExportedModel export(Map<String, String> provenance) {
        List<Step> steps = new ArrayList<>();
        for (Schedule.Step s : schedule.steps()) {
            steps.add(compile(s));
        }
        ArenaPlan arena = new ArenaPlan(model, schedule, scratch);
        for (Step s : steps) {
            calls.add(s.call(arena));
        }
        long weightBytes = layers.stream().mapToLong(PackedLayer::weightBytes).sum();
        long biasBytes = layers.stream().mapToLong(PackedLayer::biasBytes).sum();
        long tables = tableBytes + layers.stream().mapToLong(PackedLayer::tableBytes).sum();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("bitsweep_model.h", utf8(header(provenance, arena, weightBytes, biasBytes, tables)));
        files.put("bitsweep_model.c", utf8(program(arena)));
        files.put("bitsweep_weights.h", utf8(weightsHeader()));
        files.put("bitsweep_weights.c", utf8(weightsSource()));
        for (String f : STATIC_FILES) {
            files.put(f, resource(f));
        }
        List<ExportedModel.Layer> summary = new ArrayList<>();
        for (PackedLayer l : layers) {
            int pruned = 0;
            for (int w : l.widths) {
                pruned += w == 0 ? 1 : 0;
            }
            summary.add(new ExportedModel.Layer(l.op.name(), l.outChannels, pruned, l.droppedInputs(),
                    l.weightBytes()));
        }
        return new ExportedModel(files, weightBytes, biasBytes, tables, arena.size(), summary);
    }

    /** One step of the program: a kernel call once the arena is planned. */
    private interface Step {
        String call(ArenaPlan arena);
    }

    private Step compile(Schedule.Step s) {
        Op op = s.op();
        String name = op.name();
        return switch (op.type()) {
            case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> layer(op, null, null);
            case ADD -> s.fusedLayer() != null
                    ? layer(s.fusedLayer(), op, model.tensor(s.inputs().get(1)))
                    : add(op, s);
            case AVERAGE_POOL_2D, MAX_POOL_2D -> pool(op, s);
            case SOFTMAX -> softmax(op, s);
            case QUANTIZE -> requantize(op, s);
            default -> throw unsupported(op, "is not exported to C");
        };
    }

    // ---- layers --------------------------------------------------------------------------------------------------

    private Step layer(Op op, Op add, Tensor shortcut) {
        PackedLayer l = new PackedLayer(spec, op, add, shortcut, constants);
        layers.add(l);
        String id = "bs_" + op.name();
        Geometry g = geometry(op, l);
        if (l.widths.length > 0 && !(l.uniformWidth && l.widths[0] == 8)) {
            scratch = Math.max(scratch, l.rowLength);
        }
        weights.format("/* %s (%s)%s: %d channels, %s */%n", op.name(), op.type(),
                add != null ? " with " + add.name() + " fused into it" : "", l.outChannels, widthsComment(l));
        weights.bytes(id + "_codes", l.codes);
        if (!l.uniformWidth) {
            weights.bytes(id + "_widths", toBytes(l.widths));
        }
        if (l.liveInputs != null) {
            weights.array("uint16_t", id + "_live_inputs", l.liveInputs);
        }
        if (l.bias != null) {
            weights.array("int32_t", id + "_bias", l.bias);
        }
        if (!l.shiftOnly) {
            weights.array("int32_t", id + "_multiplier", l.multipliers);
        }
        weights.array("int8_t", id + "_shift", l.shifts);
        if (shortcut != null) {
            weights.array("int32_t", id + "_shortcut_multiplier", l.shortcutMultipliers);
            weights.array("int8_t", id + "_shortcut_shift", l.shortcutShifts);
        }
        weights.format("const bs_layer %s = {%n", id)
                .format("    %d, %d, %d, %d, %d, %d,%n", g.inH, g.inW, g.inC, g.outH, g.outW, l.outChannels)
                .format("    %d, %d, %d, %d, %d, %d, %d, %d, %d,%n", g.kH, g.kW, g.strideH, g.strideW,
                        g.dilationH, g.dilationW, g.padTop, g.padLeft, g.depthMultiplier)
                .format("    %d, %d, %d, %d, %s, %d,%n", -zeroPoint(l.input), l.outputZeroPoint, l.activationMin,
                        l.activationMax, rounding(l.rounding), l.accumulatorBits)
                .format("    %s_codes, %s, %d, %s, %d,%n", id, l.uniformWidth ? "NULL" : id + "_widths",
                        l.widths.length == 0 ? 0 : l.widths[0], l.liveInputs != null ? id + "_live_inputs" : "NULL",
                        l.liveInputs != null ? l.liveInputs.length : l.inputChannels)
                .format("    %s, %s, %s_shift,%n", l.bias != null ? id + "_bias" : "NULL",
                        l.shiftOnly ? "NULL" : id + "_multiplier", id)
                .format("    %d, %s, %s%n", shortcut == null ? 0 : -zeroPoint(shortcut),
                        shortcut == null ? "NULL" : id + "_shortcut_multiplier",
                        shortcut == null ? "NULL" : id + "_shortcut_shift")
                .line("};")
                .line("");
        weightDecls.format("extern const bs_layer %s;%n", id);
        String kernel = op.type() == OpType.DEPTHWISE_CONV_2D ? "bs_depthwise_conv2d" : "bs_conv2d";
        int in = schedule.buffer(op.input(0));
        int out = schedule.buffer(l.output.index());
        Integer sc = shortcut == null ? null : schedule.buffer(shortcut.index());
        String label = add == null ? op.name() : op.name() + " + " + add.name();
        return arena -> String.format("    %s(&%s, arena + %d, arena + %d, %s, arena + %d); /* %s */", kernel, id,
                arena.offset(in), arena.offset(out), sc == null ? "NULL" : "arena + " + arena.offset(sc),
                arena.scratchOffset(), label);
    }

    private record Geometry(int inH, int inW, int inC, int outH, int outW, int kH, int kW, int strideH, int strideW,
            int dilationH, int dilationW, int padTop, int padLeft, int depthMultiplier) {}

    private Geometry geometry(Op op, PackedLayer l) {
        if (op.type() == OpType.FULLY_CONNECTED) {
            int in = l.inputChannels;
            if (l.input.elementCount() != in || l.output.elementCount() != l.outChannels) {
                throw unsupported(op, "only batch 1 is supported");
            }
            return new Geometry(1, 1, in, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1);
        }
        Tensor w = l.weights;
        ConvGeometry g;
        int dm = 1;
        if (op.options() instanceof OpOptions.Conv o) {
            g = ConvGeometry.of(l.input, w.dim(1), w.dim(2), o.strideH(), o.strideW(), o.dilationH(), o.dilationW(),
                    o.padding());
        } else {
            OpOptions.DepthwiseConv o = (OpOptions.DepthwiseConv) op.options();
            g = ConvGeometry.of(l.input, w.dim(1), w.dim(2), o.strideH(), o.strideW(), o.dilationH(), o.dilationW(),
                    o.padding());
            dm = o.depthMultiplier();
        }
        return new Geometry(g.inH(), g.inW(), g.inC(), g.outH(), g.outW(), g.kH(), g.kW(), g.strideH(), g.strideW(),
                g.dilationH(), g.dilationW(), g.padTop(), g.padLeft(), dm);
    }

    private static String widthsComment(PackedLayer l) {
        Map<Integer, Integer> counts = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
        for (int w : l.widths) {
            counts.merge(w, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((w, n) -> parts.add(n + (w == 0 ? " pruned" : " x " + w + "-bit")));
        return String.join(", ", parts) + (l.liveInputs != null ? ", " + l.droppedInputs()
                + " pruned input channels dropped" : "");
    }

    // ---- other ops -----------------------------------------------------------------------------------------------

    private Step add(Op op, Schedule.Step s) {
        Tensor a = model.input(op, 0);
        Tensor b = model.input(op, 1);
        Tensor out = model.output(op);
        if (a.elementCount() != out.elementCount() || b.elementCount() != out.elementCount()) {
            throw unsupported(op, "broadcasting ADD is not supported");
        }
        int[] range = range(op, out);
        Int8Add k = new Int8Add(scale(a), zeroPoint(a), scale(b), zeroPoint(b), scale(out), zeroPoint(out), range);
        String id = "bs_" + op.name();
        weights.format("const bs_add_params %s = {%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d};%n%n", id,
                -zeroPoint(a), k.input1Multiplier().multiplier(), k.input1Multiplier().shift(),
                -zeroPoint(b), k.input2Multiplier().multiplier(), k.input2Multiplier().shift(),
                k.outputMultiplier().multiplier(), k.outputMultiplier().shift(), zeroPoint(out), range[0], range[1]);
        weightDecls.format("extern const bs_add_params %s;%n", id);
        int n = (int) out.elementCount();
        return arena -> String.format("    bs_add(&%s, arena + %d, arena + %d, arena + %d, %d); /* %s */", id,
                arena.offset(s.inputs().get(0)), arena.offset(s.inputs().get(1)), arena.offset(s.output()), n,
                op.name());
    }

    private Step pool(Op op, Schedule.Step s) {
        OpOptions.Pool o = (OpOptions.Pool) op.options();
        Tensor in = model.input(op, 0);
        Tensor out = model.output(op);
        if (scale(in) != scale(out) || zeroPoint(in) != zeroPoint(out)) {
            throw unsupported(op, "pooling with different input and output quantization is not supported");
        }
        ConvGeometry g = ConvGeometry.of(in, o.filterH(), o.filterW(), o.strideH(), o.strideW(), 1, 1, o.padding());
        int[] range = ActivationRange.int8(o.activation(), scale(out), zeroPoint(out));
        String id = "bs_" + op.name();
        weights.format("const bs_pool_params %s = {%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d};%n%n", id,
                g.inH(), g.inW(), g.inC(), g.outH(), g.outW(), g.kH(), g.kW(), g.strideH(), g.strideW(), g.padTop(),
                g.padLeft(), range[0], range[1]);
        weightDecls.format("extern const bs_pool_params %s;%n", id);
        String kernel = op.type() == OpType.AVERAGE_POOL_2D ? "bs_average_pool" : "bs_max_pool";
        return arena -> String.format("    %s(&%s, arena + %d, arena + %d); /* %s */", kernel, id,
                arena.offset(s.inputs().get(0)), arena.offset(s.output()), op.name());
    }

    private Step softmax(Op op, Schedule.Step s) {
        OpOptions.Softmax o = (OpOptions.Softmax) op.options();
        Tensor in = model.input(op, 0);
        Tensor out = model.output(op);
        int row = in.dim(-1);
        int n = (int) in.elementCount();
        String id = "bs_" + op.name();
        String kernel;
        if (spec.options().arithmetic() == Arithmetic.TFLITE_2_6) {
            float[] table = new Int8Softmax(scale(in), o.beta(), scale(out), zeroPoint(out), row).table();
            weights.floats(id + "_table", table);
            weights.format("const bs_softmax_table_params %s = {%s_table, %s, %d, %d};%n%n", id, id,
                    CSource.floatLiteral(scale(out)), zeroPoint(out), row);
            weightDecls.format("extern const bs_softmax_table_params %s;%n", id);
            tableBytes += 4L * table.length;
            kernel = "bs_softmax_table";
        } else {
            if (scale(out) != 1f / 256 || zeroPoint(out) != -128) {
                throw unsupported(op, "the reference softmax writes scale 1/256 and zero point -128");
            }
            Int8FixedPointSoftmax k;
            try {
                k = new Int8FixedPointSoftmax(scale(in), o.beta(), row);
            } catch (BitSweepException e) {
                throw unsupported(op, e.getMessage());
            }
            weights.format("const bs_softmax_fixed_params %s = {%d, %d, %d, %d};%n%n", id, k.inputMultiplier(),
                    k.inputLeftShift(), k.diffMin(), row);
            weightDecls.format("extern const bs_softmax_fixed_params %s;%n", id);
            kernel = "bs_softmax_fixed";
        }
        return arena -> String.format("    %s(&%s, arena + %d, arena + %d, %d); /* %s */", kernel, id,
                arena.offset(s.inputs().get(0)), arena.offset(s.output()), n, op.name());
    }

    private Step requantize(Op op, Schedule.Step s) {
        Tensor in = model.input(op, 0);
        Tensor out = model.output(op);
        QuantizedMultiplier m = QuantizedMultiplier.of((double) scale(in) / scale(out));
        String id = "bs_" + op.name();
        weights.format("const bs_requantize_params %s = {%d, %d, %d, %d, %s};%n%n", id, zeroPoint(in),
                m.multiplier(), m.shift(), zeroPoint(out), rounding(spec.options().kernelRounding()));
        weightDecls.format("extern const bs_requantize_params %s;%n", id);
        int n = (int) in.elementCount();
        return arena -> String.format("    bs_requantize(&%s, arena + %d, arena + %d, %d); /* %s */", id,
                arena.offset(s.inputs().get(0)), arena.offset(s.output()), n, op.name());
    }

    // ---- files ---------------------------------------------------------------------------------------------------

    private String header(Map<String, String> provenance, ArenaPlan arena, long weightBytes, long biasBytes,
            long tables) {
        Tensor in = model.tensor(schedule.input());
        Tensor out = model.tensor(schedule.output());
        CSource h = new CSource();
        h.line("/*")
                .line(" * The model as a C99 library, written by `bitsweep export --format c` (docs/EXPORT.md). It computes")
                .line(" * the exact engine's int8 output bytes for the same int8 input bytes, under the arithmetic below.")
                .line(" * No dynamic allocation: one static arena of BITSWEEP_ARENA_SIZE bytes.");
        for (Map.Entry<String, String> e : provenance.entrySet()) {
            h.line(" *   " + CSource.comment(e.getKey() + ": " + e.getValue()));
        }
        h.line(" */")
                .line("#ifndef BITSWEEP_MODEL_H")
                .line("#define BITSWEEP_MODEL_H")
                .line("")
                .line("#include <stdint.h>")
                .line("")
                .format("#define BITSWEEP_ARITHMETIC %s%n", CSource.string(Choices.word(spec.options().arithmetic())))
                .format("#define BITSWEEP_INPUT_SIZE %d /* int8 values of %s %s */%n", in.elementCount(),
                        CSource.comment(in.name()), shape(in))
                .format("#define BITSWEEP_INPUT_SCALE %s%n", CSource.floatLiteral(scale(in)))
                .format("#define BITSWEEP_INPUT_ZERO_POINT %d%n", zeroPoint(in))
                .format("#define BITSWEEP_OUTPUT_SIZE %d /* int8 values of %s %s */%n", out.elementCount(),
                        CSource.comment(out.name()), shape(out))
                .format("#define BITSWEEP_OUTPUT_SCALE %s%n", CSource.floatLiteral(scale(out)))
                .format("#define BITSWEEP_OUTPUT_ZERO_POINT %d%n", zeroPoint(out))
                .line("/* Bytes of the one static arena: activations (one byte per code) and one unpacked weight channel. */")
                .format("#define BITSWEEP_ARENA_SIZE %d%n", arena.size())
                .line("/* Bytes of packed weight codes and per-channel requantization parameters (multiplier, shift): the")
                .line(" * search's weight-memory objective plus the overhead docs/EXPORT.md lists. */")
                .format("#define BITSWEEP_WEIGHT_BYTES %d%n", weightBytes)
                .line("/* Bytes of int32 biases, and of per-channel width tables, live-input lists and softmax tables. */")
                .format("#define BITSWEEP_BIAS_BYTES %d%n", biasBytes)
                .format("#define BITSWEEP_TABLE_BYTES %d%n", tables);
        for (Map.Entry<String, String> e : provenance.entrySet()) {
            h.format("#define BITSWEEP_%s %s%n", macro(e.getKey()), CSource.string(e.getValue()));
        }
        return h.line("")
                .line("/* Runs one inference: input[BITSWEEP_INPUT_SIZE] to output[BITSWEEP_OUTPUT_SIZE], int8 codes. */")
                .line("void bitsweep_run(const int8_t *input, int8_t *output);")
                .line("")
                .line("/* The same without copies: write bitsweep_input(), call bitsweep_invoke(), read bitsweep_output(). */")
                .line("int8_t *bitsweep_input(void);")
                .line("void bitsweep_invoke(void);")
                .line("const int8_t *bitsweep_output(void);")
                .line("")
                .line("#endif")
                .toString();
    }

    private String program(ArenaPlan arena) {
        Tensor in = model.tensor(schedule.input());
        Tensor out = model.tensor(schedule.output());
        CSource c = new CSource();
        c.line("/* The model's steps over one static arena, written by `bitsweep export --format c`. */")
                .line("#include \"bitsweep_model.h\"")
                .line("")
                .line("#include <stddef.h>")
                .line("")
                .line("#include \"bitsweep_kernels.h\"")
                .line("#include \"bitsweep_weights.h\"")
                .line("")
                .line("static int8_t arena[BITSWEEP_ARENA_SIZE];")
                .line("")
                .format("int8_t *bitsweep_input(void) {%n    return arena + %d;%n}%n%n", arena.offset(in.index()))
                .format("const int8_t *bitsweep_output(void) {%n    return arena + %d;%n}%n%n", arena.offset(out.index()))
                .line("void bitsweep_invoke(void) {");
        calls.forEach(c::line);
        return c.line("}")
                .line("")
                .line("void bitsweep_run(const int8_t *input, int8_t *output) {")
                .line("    int8_t *x = bitsweep_input();")
                .line("    const int8_t *y;")
                .line("    int32_t i;")
                .line("    for (i = 0; i < BITSWEEP_INPUT_SIZE; i++) {")
                .line("        x[i] = input[i];")
                .line("    }")
                .line("    bitsweep_invoke();")
                .line("    y = bitsweep_output();")
                .line("    for (i = 0; i < BITSWEEP_OUTPUT_SIZE; i++) {")
                .line("        output[i] = y[i];")
                .line("    }")
                .line("}")
                .toString();
    }

    private String weightsHeader() {
        return new CSource()
                .line("/* The model's per-layer parameters, written by `bitsweep export --format c`. */")
                .line("#ifndef BITSWEEP_WEIGHTS_H")
                .line("#define BITSWEEP_WEIGHTS_H")
                .line("")
                .line("#include \"bitsweep_kernels.h\"")
                .line("")
                .line(weightDecls.toString().stripTrailing())
                .line("")
                .line("#endif")
                .toString();
    }

    private String weightsSource() {
        return new CSource()
                .line("/*")
                .line(" * The model's weights and per-layer parameters, written by `bitsweep export --format c`. Codes are")
                .line(" * packed at each channel's width, LSB first; pruned channels have none (docs/EXPORT.md).")
                .line(" */")
                .line("#include \"bitsweep_weights.h\"")
                .line("")
                .line("#include <stddef.h>")
                .line("")
                .line(weights.toString().stripTrailing())
                .toString();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private int[] range(Op op, Tensor out) {
        int[] r = ActivationRange.int8(op.options().activation(), scale(out), zeroPoint(out));
        ProgramSpec.CodeRange code = spec.op(op.name()).outputCodes();
        return code == null ? r : new int[] {Math.max(r[0], code.min()), Math.min(r[1], code.max())};
    }

    private static String rounding(RequantRounding r) {
        return switch (r) {
            case DOUBLE -> "BS_ROUND_DOUBLE";
            case SINGLE -> "BS_ROUND_SINGLE";
            case SHIFT -> "BS_ROUND_SHIFT";
        };
    }

    private static String macro(String key) {
        return key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static String shape(Tensor t) {
        return java.util.Arrays.toString(t.shape()).replace(" ", "");
    }

    private static byte[] toBytes(int[] values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private float scale(Tensor t) {
        return quant(t).scale(0);
    }

    private int zeroPoint(Tensor t) {
        return (int) quant(t).zeroPoint(0);
    }

    private io.bitsweep.eval.model.QuantParams quant(Tensor t) {
        if (t.dtype() != DType.INT8 || t.quant().isEmpty()) {
            throw new BitSweepException(model.source() + ": tensor " + t.name() + " is not a quantized int8 tensor");
        }
        return t.quant().get();
    }

    private BitSweepException unsupported(Op op, String why) {
        return new BitSweepException(model.source() + ": layer " + op.name() + " (" + op.type() + "): " + why);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) {
        try (InputStream in = CExporter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
