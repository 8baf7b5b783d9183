package io.bitsweep.search.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.bitsweep.search.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's optional panels appear exactly when the run store has their data: sensitivity.parquet (the layout
 * issue 13 writes: per-layer probe rows and per-channel rows) and evaluations.parquet with racing columns.
 */
class OptionalPanelsTest {
    static final MessageType SENSITIVITY = MessageTypeParser.parseMessageType("""
            message bitsweep_sensitivity {
              required binary kind (STRING); required binary layer (STRING); required int32 layer_index;
              required binary format (STRING); required int32 format_index; required int32 channel;
              required int64 samples; required double quality; required double loss_mean;
              required double delta_quality; required double delta_loss; required double error_energy;
            }""");
    static final MessageType RACED = MessageTypeParser.parseMessageType("""
            message bitsweep_candidate {
              required binary id (STRING); required boolean reused; required int32 racing_stage;
              required boolean complete;
            }""");

    @Test
    void noPanelsWithoutTheirData(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("generations/gen=00000"));
        write(dir.resolve("generations/gen=00000/evaluations.parquet"),
                MessageTypeParser.parseMessageType("message m { required binary id (STRING); }"),
                List.<Object[]>of(new Object[] {"g00000-0000"}));
        assertEquals(0, new OptionalPanels(RunStore.at(dir.toString(), new Configuration())).build(0).size());
    }

    @Test
    void sensitivityAndRacingPanels(@TempDir Path dir) throws Exception {
        write(dir.resolve("sensitivity.parquet"), SENSITIVITY, List.of(
                new Object[] {"baseline", "", -1, "", 0, -1, 40L, 0.85, 0.5, 0.0, 0.0, Double.NaN},
                new Object[] {"weights", "conv_2d_0", 0, "int4", 1, -1, 40L, 0.80, 0.6, -0.05, 0.1, Double.NaN},
                new Object[] {"weights", "conv_2d_0", 0, "int4", 1, 3, 0L, Double.NaN, Double.NaN, 0.0, 0.0, 1.5},
                new Object[] {"activations", "conv_2d_0", 0, "int4:asym", 1, -1, 40L, 0.7, 0.9, -0.15, 0.4, 0.0}));
        Files.createDirectories(dir.resolve("generations/gen=00000"));
        Files.createDirectories(dir.resolve("generations/gen=00001"));
        write(dir.resolve("generations/gen=00000/evaluations.parquet"), RACED, List.of(
                new Object[] {"g00000-0000", false, 2, true}, new Object[] {"g00000-0001", false, 2, true}));
        write(dir.resolve("generations/gen=00001/evaluations.parquet"), RACED, List.of(
                new Object[] {"g00001-0000", false, 2, true}, new Object[] {"g00001-0001", false, 0, false},
                new Object[] {"g00001-0002", false, 1, false}, new Object[] {"g00001-0003", false, 0, false}));

        JsonNode panels = new OptionalPanels(RunStore.at(dir.toString(), new Configuration())).build(1);
        assertEquals(2, panels.size());
        JsonNode s = panels.get(0);
        assertEquals("sensitivity", s.path("id").asText());
        assertEquals("[\"layer\",\"kind\",\"format\",\"samples\",\"quality\",\"delta_quality\",\"loss_mean\","
                + "\"delta_loss\"]", s.path("columns").toString());
        assertEquals(3, s.path("rows").size(), "per-channel rows are left out: " + s.path("rows"));
        assertEquals("[\"conv_2d_0\",\"weights\",\"int4\",40,0.8,-0.05,0.6,0.1]", s.path("rows").get(1).toString());
        JsonNode r = panels.get(1);
        assertEquals("racing", r.path("id").asText());
        assertEquals("[\"generation\",\"candidates\",\"evaluated completely\",\"dropped at stage 0\","
                + "\"dropped at stage 1\"]", r.path("columns").toString());
        assertEquals("[[0,2,2,0,0],[1,4,1,2,1]]", r.path("rows").toString());
    }

    private static void write(Path file, MessageType schema, List<Object[]> rows) throws Exception {
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration())).withType(schema).build()) {
            for (Object[] row : rows) {
                Group g = groups.newGroup();
                for (int i = 0; i < row.length; i++) {
                    String name = schema.getFieldName(i);
                    Object v = row[i];
                    if (v instanceof String str) {
                        g.append(name, str);
                    } else if (v instanceof Integer n) {
                        g.append(name, n);
                    } else if (v instanceof Long n) {
                        g.append(name, n);
                    } else if (v instanceof Double d) {
                        g.append(name, d);
                    } else if (v instanceof Boolean b) {
                        g.append(name, b);
                    }
                }
                w.write(g);
            }
        }
    }
}
