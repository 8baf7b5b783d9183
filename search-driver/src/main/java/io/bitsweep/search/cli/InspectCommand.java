package io.bitsweep.search.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.QuantParams;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.eval.model.TensorLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bitsweep inspect --model FILE}: the layer table of a model as the IR sees it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Print the layers of a .tflite or .onnx model: stable layer name, op, input and output shapes, "
                + "weight shape, parameters, MACs, fused activation and quantization, then totals.",
            "quant: per-tensor or per-channel(N) for weights (w) and the output activation (out), with the dtype."})
public final class InspectCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = EvalCommand.MODEL_DESCRIPTION)
    Path model;

    @Option(names = "--json", description = "Print one JSON document (bitsweep.inspect/1) instead of the table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Model m = ModelFiles.load(model);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, document(m));
        } else {
            print(m, out);
        }
        out.flush();
        return 0;
    }

    /** For a model declaring NCHW (ONNX): the file's own input shape; the IR and the table are NHWC. */
    private static String declared(Model m) {
        if (m.inputLayout() == TensorLayout.NHWC) {
            return "";
        }
        return " (file: NCHW " + Arrays.toString(m.inputLayout().declaredShape(m.input().shape())).replace(" ", "")
                + "; shapes below are NHWC)";
    }

    /** Prints the table for {@code m}. */
    public static void print(Model m, PrintWriter out) {
        out.println("model:  " + m.source());
        out.println("sha256: " + m.sha256());
        out.println("input:  " + m.input().describe() + quantSuffix(m.input()) + declared(m) + "   output: "
                + m.output().describe() + quantSuffix(m.output()));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"layer", "op", "input", "output", "weights", "params", "MACs", "act", "quant"});
        for (Op op : m.ops()) {
            Tensor in = m.input(op, 0);
            Tensor outT = m.output(op);
            boolean q = op.type().isQuantizable();
            rows.add(new String[] {
                op.name(), op.type().name(), shape(in), shape(outT), q ? shape(m.weights(op)) : "",
                q ? String.format("%,d", m.paramCount(op)) : "", q ? String.format("%,d", m.macs(op)) : "",
                op.options().activation().name().toLowerCase(Locale.ROOT), quant(m, op)});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean numeric = i == 5 || i == 6;
                String cell = numeric ? pad(r[i], widths[i], true) : pad(r[i], widths[i], false);
                sb.append(cell).append(i + 1 < r.length ? "  " : "");
            }
            out.println(sb.toString().stripTrailing());
        }
        out.printf("total: %d ops, %d quantizable layers, %,d params, %,d MACs%n", m.ops().size(),
                m.quantizableLayers().size(), m.totalParams(), m.totalMacs());
    }

    /** --json: the table's columns, one object per op (shapes as arrays, absent fields for ops without weights). */
    static ObjectNode document(Model m) {
        ObjectMapper json = JsonOutput.mapper();
        ObjectNode doc = json.createObjectNode();
        doc.put("schema", "bitsweep.inspect/1");
        doc.put("model", m.source());
        doc.put("sha256", m.sha256());
        doc.set("input", tensor(json, m.input()));
        doc.set("output", tensor(json, m.output()));
        ArrayNode layers = doc.putArray("layers");
        for (Op op : m.ops()) {
            ObjectNode o = layers.addObject();
            o.put("name", op.name());
            o.put("op", op.type().name());
            o.set("input", json.valueToTree(m.input(op, 0).shape()));
            o.set("output", json.valueToTree(m.output(op).shape()));
            if (op.type().isQuantizable()) {
                o.set("weights", tensor(json, m.weights(op)));
                o.put("params", m.paramCount(op));
                o.put("macs", m.macs(op));
            }
            o.put("activation", op.options().activation().name().toLowerCase(Locale.ROOT));
            o.set("quantization", tensor(json, m.output(op)).get("quantization"));
        }
        doc.putObject("total").put("ops", m.ops().size()).put("quantizable_layers", m.quantizableLayers().size())
                .put("params", m.totalParams()).put("macs", m.totalMacs());
        return doc;
    }

    private static ObjectNode tensor(ObjectMapper json, Tensor t) {
        ObjectNode o = json.createObjectNode();
        o.set("shape", json.valueToTree(t.shape()));
        o.put("dtype", t.dtype().label());
        t.quant().ifPresentOrElse(q -> o.put("quantization", q.isPerChannel() ? "per-channel(" + q.count() + ")"
                : "per-tensor"), () -> o.putNull("quantization"));
        return o;
    }

    private static String quant(Model m, Op op) {
        StringBuilder sb = new StringBuilder();
        if (op.type().isQuantizable()) {
            Tensor w = m.weights(op);
            sb.append("w ").append(w.dtype().label()).append(granularity(w)).append(", ");
        }
        Tensor out = m.output(op);
        return sb.append("out ").append(out.dtype().label()).append(granularity(out)).toString();
    }

    private static String granularity(Tensor t) {
        return t.quant().map(q -> q.isPerChannel() ? " per-channel(" + q.count() + ")" : " per-tensor").orElse("");
    }

    private static String quantSuffix(Tensor t) {
        return t.quant().map(QuantParams::toString).map(s -> " (" + s + ")").orElse("");
    }

    private static String shape(Tensor t) {
        return Arrays.toString(t.shape()).replace(" ", "");
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(width - s.length());
        return right ? spaces + s : s + spaces;
    }
}
