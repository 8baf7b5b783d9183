package io.bitsweep.search.store;

import io.bitsweep.search.nsga.Candidate;
import io.bitsweep.search.nsga.CorrectPositions;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.space.Genome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * The Parquet layout shared by population.parquet, evaluations.parquet and archive.parquet: one row per candidate
 * with its identity, genome, assignment and evaluation (docs/RUN-STORE.md documents every column). Written through
 * Hadoop's FileSystem, so any URI it knows works (file://, hdfs://, s3a://).
 */
public final class ScoredTable {
    /**
     * One table row: a candidate, its fitness (with the candidate's summed activation statistics in the scorer's
     * layout, empty when the evaluator keeps none), and the table-specific columns.
     */
    public record Row(Candidate candidate, Fitness fitness, String qualityMetric, String assignmentJson,
                      int rank, double crowdingDistance, boolean reused) {}

    static final String ACTIVATION_STATS = "activation_stats";
    static final String CORRECT_POSITIONS = "correct_positions";
    static final String RACING_STAGE = "racing_stage";
    static final String COMPLETE = "complete";

    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message bitsweep_candidate {
              required binary id (STRING);
              required int32 generation;
              required int32 index;
              required binary origin (STRING);
              optional binary parent_a (STRING);
              optional binary parent_b (STRING);
              required binary genome;
              required binary quality_metric (STRING);
              required double quality;
              required int64 samples;
              required int64 correct;
              required double loss_mean;
              required double weight_bits;
              required int64 memory_bytes;
              required double cycles;
              required double energy_pj;
              required double constraint_violation;
              required boolean feasible;
              required int32 rank;
              required double crowding_distance;
              required boolean reused;
              required binary assignment (STRING);
              repeated int64 activation_stats;
              optional binary correct_positions;
              required int32 racing_stage;
              required boolean complete;
            }
            """);

    private ScoredTable() {}

    /** @param metadata key-value metadata for the file's footer (the run's provenance) */
    static void write(Configuration conf, Path file, List<Row> rows, Map<String, String> metadata) throws IOException {
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
                .withConf(conf)
                .withType(SCHEMA)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withExtraMetaData(metadata)
                .build()) {
            for (Row r : rows) {
                Candidate c = r.candidate();
                Fitness e = r.fitness();
                Group g = groups.newGroup()
                        .append("id", c.id())
                        .append("generation", c.generation())
                        .append("index", c.index())
                        .append("origin", c.origin());
                if (c.parentA() != null) {
                    g.append("parent_a", c.parentA());
                }
                if (c.parentB() != null) {
                    g.append("parent_b", c.parentB());
                }
                g.append("genome", Binary.fromConstantByteArray(c.genome().toBytes()))
                        .append("quality_metric", r.qualityMetric())
                        .append("quality", e.quality())
                        .append("samples", e.samples())
                        .append("correct", e.correct())
                        .append("loss_mean", e.lossMean())
                        .append("weight_bits", e.weightBits())
                        .append("memory_bytes", e.memoryBytes())
                        .append("cycles", e.cycles())
                        .append("energy_pj", e.energyPj())
                        .append("constraint_violation", e.violation())
                        .append("feasible", e.feasible())
                        .append("rank", r.rank())
                        .append("crowding_distance", r.crowdingDistance())
                        .append("reused", r.reused())
                        .append("assignment", r.assignmentJson());
                for (long v : e.activationStats()) {
                    g.append(ACTIVATION_STATS, v);
                }
                if (e.correctAt().known()) {
                    g.append(CORRECT_POSITIONS, Binary.fromConstantByteArray(e.correctAt().toBytes()));
                }
                g.append(RACING_STAGE, e.racingStage()).append(COMPLETE, e.complete());
                w.write(g);
            }
        }
    }

    static List<Row> read(Configuration conf, Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group row = r.read(); row != null; row = r.read()) {
                Group g = row;
                Function<String, String> opt = f -> g.getFieldRepetitionCount(f) == 0 ? null : g.getString(f, 0);
                Candidate c = new Candidate(g.getString("id", 0), g.getInteger("generation", 0),
                        g.getInteger("index", 0), Genome.of(g.getBinary("genome", 0).getBytes()),
                        g.getString("origin", 0), opt.apply("parent_a"), opt.apply("parent_b"));
                Fitness e = new Fitness(g.getLong("samples", 0), g.getLong("correct", 0),
                        g.getDouble("quality", 0), g.getDouble("loss_mean", 0), g.getDouble("weight_bits", 0),
                        g.getLong("memory_bytes", 0), g.getDouble("cycles", 0), g.getDouble("energy_pj", 0),
                        g.getDouble("constraint_violation", 0), activationStats(g), correctPositions(g),
                        has(g, RACING_STAGE) ? g.getInteger(RACING_STAGE, 0) : Fitness.NOT_RACED,
                        !has(g, COMPLETE) || g.getBoolean(COMPLETE, 0));
                rows.add(new Row(c, e, g.getString("quality_metric", 0), g.getString("assignment", 0),
                        g.getInteger("rank", 0), g.getDouble("crowding_distance", 0), g.getBoolean("reused", 0)));
            }
        }
        return rows;
    }

    /** The key-value metadata of a table's footer (the run's provenance). */
    static Map<String, String> metadata(Configuration conf, Path file) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
            return Map.copyOf(r.getFooter().getFileMetaData().getKeyValueMetaData());
        }
    }

    /** The per-sample outcomes; none in run stores written before the column existed, or for AUC tasks. */
    private static CorrectPositions correctPositions(Group g) {
        return has(g, CORRECT_POSITIONS) && g.getFieldRepetitionCount(CORRECT_POSITIONS) > 0
                ? CorrectPositions.fromBytes(g.getBinary(CORRECT_POSITIONS, 0).getBytes()) : CorrectPositions.NONE;
    }

    /** True if the file has the column (run stores written before racing lack its columns). */
    private static boolean has(Group g, String column) {
        return g.getType().containsField(column);
    }

    /** The statistics column; empty in run stores written before it existed. */
    private static List<Long> activationStats(Group g) {
        if (!g.getType().containsField(ACTIVATION_STATS)) {
            return List.of();
        }
        int n = g.getFieldRepetitionCount(ACTIVATION_STATS);
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(g.getLong(ACTIVATION_STATS, i));
        }
        return out;
    }
}
