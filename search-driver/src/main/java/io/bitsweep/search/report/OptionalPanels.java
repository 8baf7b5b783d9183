package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.store.RunStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The report's panels for data only some runs have, each shown when its file or columns exist: the sensitivity
 * profile (sensitivity.parquet: one row per layer, kind and format probed; per-channel rows are left out) and the
 * racing outcome per generation (evaluations.parquet with a {@code racing_stage} column: how many candidates were
 * evaluated completely and how many each stage dropped). Each panel is a table: {id, title, note, columns, text,
 * rows}; run-report.js draws them in order.
 */
final class OptionalPanels {
    static final String SENSITIVITY = "sensitivity.parquet";
    private static final List<String> SENSITIVITY_COLUMNS = List.of("layer", "kind", "format", "samples", "quality",
            "delta_quality", "loss_mean", "delta_loss");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunStore store;
    private final Configuration conf = new Configuration();

    OptionalPanels(RunStore store) {
        this.store = store;
    }

    ArrayNode build(int lastGeneration) {
        ArrayNode panels = JSON.createArrayNode();
        try {
            if (store.exists(SENSITIVITY)) {
                panels.add(sensitivity());
            }
            if (lastGeneration >= 0 && ParquetColumns.names(conf, evaluations(0)).contains("racing_stage")) {
                panels.add(racing(lastGeneration));
            }
        } catch (IOException e) {
            throw new BitSweepException("cannot read " + store.location() + " for the report: " + e.getMessage(), e);
        }
        return panels;
    }

    private ObjectNode sensitivity() throws IOException {
        Path file = new Path(new Path(store.location()), SENSITIVITY);
        List<String> columns = SENSITIVITY_COLUMNS.stream()
                .filter(ParquetColumns.names(conf, file)::contains).toList();
        ObjectNode panel = panel("sensitivity", "Sensitivity profile", "From sensitivity.parquet: the quality of the "
                + "model with one layer's weights (or activations) in one format and every other layer at the "
                + "baseline, and its change against the baseline.", columns, List.of("layer", "kind", "format"));
        ArrayNode rows = panel.putArray("rows");
        for (Map<String, Object> r : ParquetColumns.read(conf, file, concat(columns, "channel"))) {
            Object channel = r.remove("channel");
            if (channel == null || ((Long) channel) < 0) {
                rows.add(JSON.valueToTree(r.values()));
            }
        }
        return panel;
    }

    private ObjectNode racing(int last) throws IOException {
        TreeMap<Long, Long> stagesSeen = new TreeMap<>();
        List<TreeMap<Long, Long>> perGeneration = new ArrayList<>();
        List<long[]> completeAndTotal = new ArrayList<>();
        for (int g = 0; g <= last; g++) {
            TreeMap<Long, Long> stages = new TreeMap<>();
            long complete = 0;
            List<Map<String, Object>> rows = ParquetColumns.read(conf, evaluations(g),
                    List.of("racing_stage", "complete", "reused"));
            for (Map<String, Object> r : rows) {
                if (Boolean.TRUE.equals(r.get("complete"))) {
                    complete++;
                } else if (r.get("racing_stage") instanceof Long stage) {
                    stages.merge(stage, 1L, Long::sum);
                    stagesSeen.put(stage, 0L);
                }
            }
            perGeneration.add(stages);
            completeAndTotal.add(new long[] {complete, rows.size()});
        }
        List<String> columns = new ArrayList<>(List.of("generation", "candidates", "evaluated completely"));
        stagesSeen.keySet().forEach(s -> columns.add("dropped at stage " + s));
        ObjectNode panel = panel("racing", "Racing", "From the racing_stage and complete columns of "
                + "generations/gen=N/evaluations.parquet: candidates dropped after a stage were dominated at their "
                + "costs by the upper bound of their accuracy on the shards seen so far.", columns, List.of());
        ArrayNode rows = panel.putArray("rows");
        for (int g = 0; g <= last; g++) {
            ArrayNode row = rows.addArray().add(g).add(completeAndTotal.get(g)[1]).add(completeAndTotal.get(g)[0]);
            for (Long s : stagesSeen.keySet()) {
                row.add(perGeneration.get(g).getOrDefault(s, 0L));
            }
        }
        return panel;
    }

    private Path evaluations(int generation) {
        return new Path(new Path(store.location()), RunStore.generationDir(generation) + "/evaluations.parquet");
    }

    private static ObjectNode panel(String id, String title, String note, List<String> columns, List<String> text) {
        ObjectNode p = JSON.createObjectNode().put("id", id).put("title", title).put("note", note);
        p.set("columns", JSON.valueToTree(columns));
        p.set("text", JSON.valueToTree(text));
        return p;
    }

    private static List<String> concat(List<String> a, String b) {
        List<String> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }
}
