package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.GenomeCodec;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.ScoredTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What report.html draws, as one JSON document: the run (from run.json), every evaluated candidate of every complete
 * generation (from the run store, so a resumed run's report covers the generations of earlier processes too), the
 * front points' per-channel formats and per-layer costs, the commands that reproduce and deploy each, the
 * hypervolume per generation, and the {@link OptionalPanels} of the data this run has.
 */
final class RunReportData {
    static final String SCHEMA = "bitsweep.report/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunStore store;
    private final GenomeCodec codec;
    private final String qualityMetric;

    RunReportData(RunStore store, GenomeCodec codec, String qualityMetric) {
        this.store = store;
        this.codec = codec;
        this.qualityMetric = qualityMetric;
    }

    /**
     * @param front      the final archive, in report order
     * @param layerCosts each front point's per-layer costs as hw-sim's CSV (points without one are absent)
     */
    ObjectNode build(List<Scored> front, Map<String, String> layerCosts) {
        JsonNode manifest = readJson(RunStore.RUN_JSON);
        ObjectNode root = JSON.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("quality_metric", qualityMetric);
        root.set("run", runInfo(manifest));
        int last = store.lastCompleteGeneration();
        List<List<ScoredTable.Row>> evaluations = new ArrayList<>();
        for (int g = 0; g <= last; g++) {
            evaluations.add(store.readTable(g, "evaluations"));
        }
        Set<String> frontIds = front.stream().map(Scored::id).collect(Collectors.toSet());
        root.set("points", points(front, frontIds, evaluations));
        ReproduceCommands commands = new ReproduceCommands(manifest.path("config").path("bitsweep").path("search"),
                store.location());
        ObjectNode details = root.putObject("details");
        for (Scored s : front) {
            details.set(s.id(), detail(s, Optional.ofNullable(layerCosts.get(s.id())), commands));
        }
        root.set("generations", generations(evaluations));
        root.set("panels", new OptionalPanels(store).build(last));
        return root;
    }

    private ObjectNode runInfo(JsonNode manifest) {
        JsonNode config = manifest.path("config").path("bitsweep").path("search");
        ObjectNode run = JSON.createObjectNode();
        run.put("location", store.location());
        run.put("run_id", manifest.path("run_id").asText(""));
        run.put("created", manifest.path("created").asText(""));
        run.put("seed", manifest.path("seed").asLong());
        run.put("model", config.path("model").asText(""));
        run.put("data", config.path("data").asText(""));
        run.put("target", config.path("hw").path("target").asText(""));
        run.put("evaluator", config.path("evaluator").asText(""));
        run.put("population", config.path("population").asInt());
        run.put("generations", config.path("generations").asInt());
        run.set("objectives", config.path("objectives").deepCopy());
        run.put("model_sha256", manifest.path("sha256").path("model").asText(""));
        run.put("data_sha256", manifest.path("sha256").path("data").asText(""));
        run.put("bitsweep", manifest.path("versions").path("bitsweep").asText(""));
        return run;
    }

    /**
     * Every candidate evaluated in generations 0..last, once: a row whose genome was evaluated before (reused)
     * repeats that point, so it is left out unless the archive holds it under its id.
     */
    private ArrayNode points(List<Scored> front, Set<String> frontIds, List<List<ScoredTable.Row>> evaluations) {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (List<ScoredTable.Row> generation : evaluations) {
            for (ScoredTable.Row r : generation) {
                String id = r.candidate().id();
                if (!r.reused() || frontIds.contains(id)) {
                    byId.put(id, point(id, r.candidate().generation(), r.candidate().origin(), r.fitness(),
                            frontIds.contains(id)));
                }
            }
        }
        for (Scored s : front) { // the archive is authoritative for its points (and holds them even without a table)
            byId.put(s.id(), point(s.id(), s.candidate().generation(), s.candidate().origin(), s.fitness(), true));
        }
        ArrayNode out = JSON.createArrayNode();
        byId.values().forEach(out::add);
        return out;
    }

    private static ObjectNode point(String id, int generation, String origin, Fitness f, boolean front) {
        ObjectNode p = JSON.createObjectNode();
        p.put("id", id);
        p.put("generation", generation);
        p.put("origin", origin);
        p.put("quality", f.quality());
        p.put("weight_bits", f.weightBits());
        p.put("memory_bytes", f.memoryBytes());
        p.put("cycles", f.cycles());
        p.put("energy_pj", f.energyPj());
        p.put("feasible", f.feasible());
        p.put("front", front);
        if (generation == 0 && origin.startsWith("baseline:")) {
            p.put("baseline", origin.substring("baseline:".length()));
        }
        return p;
    }

    /** A front point's formats layer by layer and channel by channel, its per-layer costs and its commands. */
    private ObjectNode detail(Scored s, Optional<String> layerCostsCsv, ReproduceCommands commands) {
        ObjectNode d = JSON.createObjectNode();
        Genome genome = s.candidate().genome();
        List<LayerSpace> layers = codec.space().layers();
        Map<String, Integer> formatIndex = new LinkedHashMap<>();
        ArrayNode formats = d.putArray("formats");
        ArrayNode rows = d.putArray("layers");
        for (int i = 0; i < layers.size(); i++) {
            LayerSpace l = layers.get(i);
            ObjectNode row = rows.addObject();
            row.put("name", l.layer().name());
            row.put("activations", codec.space().activationFormat(genome, i).spec());
            ArrayNode channels = row.putArray("weights");
            for (int c = 0; c < l.layer().outChannels(); c++) {
                NumberFormat f = codec.space().weightFormat(genome, i, c);
                channels.add(formatIndex.computeIfAbsent(f.spec(), spec -> {
                    formats.addObject().put("spec", spec).put("bits", f.bitsPerElement());
                    return formatIndex.size();
                }));
            }
        }
        d.put("assignment", "best/" + s.id() + ".json");
        layerCostsCsv.ifPresent(csv -> d.set("layer_costs", LayerCostsTable.parse(csv, s.id()).toJson()));
        d.set("commands", commands.forPoint(s.id()));
        return d;
    }

    /** Per generation: hypervolume and archive size (summary.json), candidates evaluated and reused. */
    private ArrayNode generations(List<List<ScoredTable.Row>> evaluations) {
        ArrayNode out = JSON.createArrayNode();
        for (int g = 0; g < evaluations.size(); g++) {
            JsonNode summary = readJson(RunStore.generationDir(g) + "/" + RunStore.SUMMARY);
            long reused = evaluations.get(g).stream().filter(ScoredTable.Row::reused).count();
            out.addObject().put("generation", g)
                    .put("hypervolume", summary.path("hypervolume").asDouble())
                    .put("front_size", summary.path("archive_size").asInt())
                    .put("evaluated", evaluations.get(g).size() - reused)
                    .put("reused", reused);
        }
        return out;
    }

    private JsonNode readJson(String relative) {
        try {
            return JSON.readTree(store.readText(relative));
        } catch (IOException e) {
            throw new BitSweepException(store.location() + "/" + relative + ": not valid JSON (" + e.getMessage() + ")",
                    e);
        }
    }
}
