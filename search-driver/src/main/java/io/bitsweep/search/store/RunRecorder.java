package io.bitsweep.search.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.search.config.Objective;
import io.bitsweep.search.loop.GenerationResult;
import io.bitsweep.search.loop.SearchListener;
import io.bitsweep.search.nsga.Fronts;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.provenance.Provenance;
import io.bitsweep.search.space.GenomeCodec;
import java.util.List;
import java.util.Map;

/**
 * Writes each finished generation into the run store (docs/RUN-STORE.md): population, evaluations and archive as
 * Parquet with the run's provenance in every footer, summary.json with the hypervolume and what it is measured in,
 * then the _COMPLETE marker.
 */
public final class RunRecorder implements SearchListener {
    private static final ObjectMapper SUMMARY_JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final RunStore store;
    private final GenomeCodec codec;
    private final Fronts fronts;
    private final List<Objective> objectives;
    private final String qualityMetric;
    private final Map<String, String> metadata;
    private final double floatQuality;

    /** @param floatQuality the float model's quality on the evaluation split (the baseline of every comparison) */
    public RunRecorder(RunStore store, GenomeCodec codec, Fronts fronts, List<Objective> objectives,
                       String qualityMetric, double floatQuality, Provenance provenance) {
        this.store = store;
        this.codec = codec;
        this.fronts = fronts;
        this.objectives = List.copyOf(objectives);
        this.qualityMetric = qualityMetric;
        this.metadata = provenance.parquetMetadata();
        this.floatQuality = floatQuality;
    }

    @Override
    public void generationFinished(GenerationResult r) {
        Map<Scored, Fronts.Order> order = fronts.order(r.population());
        List<ScoredTable.Row> population = r.population().stream()
                .map(s -> row(s, order.get(s).rank(), order.get(s).crowding(), false)).toList();
        List<ScoredTable.Row> evaluations = r.children().stream().map(s -> row(s, -1, 0, r.reused(s))).toList();
        List<ScoredTable.Row> archive = r.archive().points().stream().map(s -> row(s, 0, 0, false)).toList();
        store.writeGeneration(r.generation(), population, evaluations, archive, summaryJson(r), metadata);
    }

    private ScoredTable.Row row(Scored s, int rank, double crowding, boolean reused) {
        return new ScoredTable.Row(s.candidate(), s.fitness(), qualityMetric,
                AssignmentJson.write(codec.decode(s.candidate().genome())), rank, crowding, reused);
    }

    /**
     * The generation's hypervolume and what it is measured in (objective scales, reference point), so that readers
     * such as the notebooks use the search's own normalisation instead of reconstructing it.
     */
    private String summaryJson(GenerationResult r) {
        ObjectNode root = SUMMARY_JSON.createObjectNode();
        root.put("schema", "bitsweep.generation/1");
        root.put("generation", r.generation());
        root.put("hypervolume", r.hypervolume());
        root.put("archive_size", r.archive().size());
        root.put("float_quality", floatQuality);
        ObjectNode scales = root.putObject("objective_scales");
        ObjectNode reference = root.putObject("hypervolume_reference");
        double[] s = fronts.scales();
        double[] ref = fronts.reference();
        for (int i = 0; i < s.length; i++) {
            String key = objectives.get(i).key();
            scales.put(key, s[i]);
            reference.put(key, ref[i]);
        }
        try {
            return SUMMARY_JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
