package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A front point's per-layer costs, read from hw-sim's CSV (best/&lt;id&gt;.hwsim.csv): a header, one row per layer,
 * then the row {@code total}. Columns are taken by name, so columns hw-sim adds later (after the existing ones)
 * travel into the report as they are.
 */
record LayerCostsTable(List<String> columns, List<List<String>> rows) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static LayerCostsTable parse(String csv, String pointId) {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("layer,op,")) {
            throw new IllegalStateException("per-layer costs of " + pointId + ": not hw-sim's CSV (no header)");
        }
        List<String> columns = List.of(lines.get(0).split(",", -1));
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = Arrays.asList(line.split(",", -1));
            if (cells.size() != columns.size()) {
                throw new IllegalStateException("per-layer costs of " + pointId + ": row '" + line + "' has "
                        + cells.size() + " cells, the header " + columns.size());
            }
            rows.add(cells);
        }
        return new LayerCostsTable(columns, rows);
    }

    /** {"columns": [...], "rows": [[layer, op, numbers...], ...]}: the total row is kept last, as in the file. */
    ObjectNode toJson() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode cols = out.putArray("columns");
        columns.forEach(cols::add);
        ArrayNode rs = out.putArray("rows");
        for (List<String> r : rows) {
            ArrayNode row = rs.addArray();
            for (int i = 0; i < r.size(); i++) {
                String cell = r.get(i);
                if (i < 2 || cell.isEmpty()) {
                    row.add(cell);
                } else {
                    row.add(Double.parseDouble(cell));
                }
            }
        }
        return out;
    }
}
