package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.search.config.Objective;
import io.bitsweep.search.store.RunStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * A finished run as {@code bitsweep compare} reads it: its identity and settings (target, objectives) from run.json,
 * its front from front.csv, and the hypervolume after each complete generation from summary.json. A local path or a
 * Hadoop FileSystem URI.
 */
record RunFront(String name, String location, String modelSha256, String dataSha256, String qualityMetric,
                String target, List<Objective> objectives, List<Point> front, List<Hypervolume> hypervolumes) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** reference.conf's, for a run.json that does not list its objectives (as bitsweep_runs reads it). */
    private static final List<Objective> DEFAULT_OBJECTIVES = List.of(Objective.ACCURACY, Objective.WEIGHT_BITS,
            Objective.CYCLES);

    /** One front point: the columns of front.csv that compare uses. */
    record Point(String id, String origin, double quality, double weightBits, long memoryBytes, double cycles,
                 double energyPj) {}

    record Hypervolume(int generation, double hypervolume) {}

    /** Reads the run at {@code location}, named {@code name} in tables and legends. */
    static RunFront read(String location, String name) {
        RunStore store = RunStore.at(location, new Configuration());
        if (!store.exists(RunStore.RUN_JSON)) {
            throw new BitSweepException(location + " is not a BitSweep run directory: no run.json");
        }
        JsonNode manifest;
        try {
            manifest = JSON.readTree(store.readText(RunStore.RUN_JSON));
        } catch (IOException e) {
            throw new BitSweepException(location + "/run.json: not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!store.exists("front.csv")) {
            throw new BitSweepException(location + " has no front.csv: the run has not finished (continue it with "
                    + "bitsweep search --resume --out " + location + ")");
        }
        JsonNode config = manifest.path("config").path("bitsweep").path("search");
        List<Hypervolume> hv = new ArrayList<>();
        for (int g = 0; g <= store.lastCompleteGeneration(); g++) {
            String summary = RunStore.generationDir(g) + "/" + RunStore.SUMMARY;
            if (store.exists(summary)) {
                try {
                    hv.add(new Hypervolume(g, JSON.readTree(store.readText(summary)).path("hypervolume").asDouble()));
                } catch (IOException e) {
                    throw new BitSweepException(location + "/" + summary + ": not valid JSON", e);
                }
            }
        }
        List<Objective> objectives = new ArrayList<>();
        config.path("objectives").forEach(o -> objectives.add(Objective.parse(o.asText(),
                location + "/run.json: config.bitsweep.search.objectives")));
        if (objectives.isEmpty()) {
            objectives.addAll(DEFAULT_OBJECTIVES);
        }
        String csv = store.readText("front.csv");
        String metric = csv.startsWith("id,generation,origin,auc,") ? "auc" : "accuracy";
        return new RunFront(name, location, manifest.path("sha256").path("model").asText(""),
                manifest.path("sha256").path("data").asText(""), metric,
                config.path("hw").path("target").asText(""), List.copyOf(objectives),
                parseFront(csv, location + "/front.csv"), hv);
    }

    /** front.csv by column name (docs/RUN-STORE.md): id, origin, the quality metric and the four costs. */
    static List<Point> parseFront(String csv, String file) {
        List<String> lines = csv.lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new BitSweepException(file + ": empty (expected a header line)");
        }
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int id = column(header, "id", file);
        int origin = column(header, "origin", file);
        int quality = header.contains("auc") ? column(header, "auc", file) : column(header, "accuracy", file);
        int bits = column(header, "weight_bits", file);
        int bytes = column(header, "memory_bytes", file);
        int cycles = column(header, "cycles", file);
        int energy = column(header, "energy_pj", file);
        List<Point> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] c = lines.get(i).split(",", -1);
            if (c.length != header.size()) {
                throw new BitSweepException(file + ": line " + (i + 1) + " has " + c.length + " fields, the header "
                        + header.size());
            }
            try {
                points.add(new Point(c[id], c[origin].replace(';', ','), Double.parseDouble(c[quality]),
                        Double.parseDouble(c[bits]), Long.parseLong(c[bytes]), Double.parseDouble(c[cycles]),
                        Double.parseDouble(c[energy])));
            } catch (NumberFormatException e) {
                throw new BitSweepException(file + ": line " + (i + 1) + ": not a number (" + e.getMessage() + ")", e);
            }
        }
        return points;
    }

    private static int column(List<String> header, String name, String file) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new BitSweepException(file + ": no column '" + name + "' (header: " + String.join(",", header) + ")");
        }
        return i;
    }
}
