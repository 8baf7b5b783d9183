package io.bitsweep.search.store;

import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * sensitivity.parquet (docs/RUN-STORE.md): the sensitivity profile as one long table. One {@code baseline} row; per
 * layer and format a {@code weights} or {@code activations} row with channel -1 (the probe that set the whole layer to
 * the format: its quality, loss and their change against the baseline); and, when the problem has the proxy, per
 * layer, weight format and output channel a {@code weights} row with that channel's quantization error energy.
 */
final class SensitivityTable {
    static final MessageType SCHEMA = MessageTypeParser.parseMessageType("""
            message bitsweep_sensitivity {
              required binary kind (STRING);
              required binary layer (STRING);
              required int32 layer_index;
              required binary format (STRING);
              required int32 format_index;
              required int32 channel;
              required int64 samples;
              required double quality;
              required double loss_mean;
              required double delta_quality;
              required double delta_loss;
              required double error_energy;
            }
            """);

    private SensitivityTable() {}

    static void write(Configuration conf, Path file, SensitivityProfile p, SearchSpace space,
                      Map<String, String> metadata) throws IOException {
        SimpleGroupFactory groups = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
                .withConf(conf).withType(SCHEMA).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withExtraMetaData(metadata).build()) {
            w.write(row(groups, "baseline", "", -1, "", 0, -1, p.baseline(), p.baseline(), Double.NaN));
            for (int l = 0; l < space.layers().size(); l++) {
                LayerSpace ls = space.layers().get(l);
                String name = ls.layer().name();
                for (int f = 0; f < ls.weights().size(); f++) {
                    String spec = ls.weights().get(f).spec();
                    w.write(row(groups, "weights", name, l, spec, f, -1, p.weights(l, f), p.baseline(), Double.NaN));
                    for (int c = 0; p.hasChannelEnergy() && c < ls.layer().outChannels(); c++) {
                        w.write(row(groups, "weights", name, l, spec, f, c, null, p.baseline(),
                                p.channelEnergy(l, f, c)));
                    }
                }
                for (int a = 0; a < ls.activations().size(); a++) {
                    w.write(row(groups, "activations", name, l, ls.activations().get(a).spec(), a, -1,
                            p.activations(l, a), p.baseline(), Double.NaN));
                }
            }
        }
    }

    /** A row; {@code m} null for a channel row (no probe: quality and loss are NaN). */
    private static Group row(SimpleGroupFactory groups, String kind, String layer, int layerIndex, String format,
                             int formatIndex, int channel, SensitivityProfile.Measured m,
                             SensitivityProfile.Measured base, double energy) {
        double q = m == null ? Double.NaN : m.quality();
        double loss = m == null ? Double.NaN : m.lossMean();
        return groups.newGroup().append("kind", kind).append("layer", layer).append("layer_index", layerIndex)
                .append("format", format).append("format_index", formatIndex).append("channel", channel)
                .append("samples", m == null ? 0 : m.samples()).append("quality", q).append("loss_mean", loss)
                .append("delta_quality", q - base.quality()).append("delta_loss", loss - base.lossMean())
                .append("error_energy", energy);
    }

    /** Reads a profile back; its shape is checked against the space by the caller. */
    static SensitivityProfile read(Configuration conf, Path file, SearchSpace space) throws IOException {
        SensitivityProfile.Measured base = null;
        Map<String, SensitivityProfile.Measured> probes = new HashMap<>();
        Map<String, Double> energy = new HashMap<>();
        Map<String, String> specs = new HashMap<>();
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
            for (Group g = r.read(); g != null; g = r.read()) {
                String kind = g.getString("kind", 0);
                SensitivityProfile.Measured m = new SensitivityProfile.Measured(g.getLong("samples", 0),
                        g.getDouble("quality", 0), g.getDouble("loss_mean", 0));
                String key = kind + "|" + g.getInteger("layer_index", 0) + "|" + g.getInteger("format_index", 0);
                int channel = g.getInteger("channel", 0);
                if (kind.equals("baseline")) {
                    base = m;
                } else if (channel < 0) {
                    probes.put(key, m);
                    specs.put(key, g.getString("format", 0));
                } else {
                    energy.put(key + "|" + channel, g.getDouble("error_energy", 0));
                }
            }
        }
        int layers = space.layers().size();
        SensitivityProfile.Measured[][] weights = new SensitivityProfile.Measured[layers][];
        SensitivityProfile.Measured[][] acts = new SensitivityProfile.Measured[layers][];
        double[][][] channels = energy.isEmpty() ? null : new double[layers][][];
        for (int l = 0; l < layers; l++) {
            LayerSpace ls = space.layers().get(l);
            weights[l] = new SensitivityProfile.Measured[ls.weights().size()];
            acts[l] = new SensitivityProfile.Measured[ls.activations().size()];
            for (int f = 0; f < weights[l].length; f++) {
                weights[l][f] = required(probes, specs, "weights|" + l + "|" + f, ls.weights().get(f).spec(), file);
            }
            for (int a = 0; a < acts[l].length; a++) {
                acts[l][a] = required(probes, specs, "activations|" + l + "|" + a, ls.activations().get(a).spec(),
                        file);
            }
            if (channels != null) {
                channels[l] = new double[weights[l].length][ls.layer().outChannels()];
                for (int f = 0; f < weights[l].length; f++) {
                    for (int c = 0; c < channels[l][f].length; c++) {
                        Double e = energy.get("weights|" + l + "|" + f + "|" + c);
                        if (e == null) {
                            throw new IOException(file + ": no error energy for layer " + l + ", format " + f
                                    + ", channel " + c + ": the profile does not fit this search space");
                        }
                        channels[l][f][c] = e;
                    }
                }
            }
        }
        if (base == null) {
            throw new IOException(file + ": no baseline row");
        }
        return new SensitivityProfile(base, weights, acts, channels);
    }

    private static SensitivityProfile.Measured required(Map<String, SensitivityProfile.Measured> probes,
                                                        Map<String, String> specs, String key, String spec,
                                                        Path file) throws IOException {
        SensitivityProfile.Measured m = probes.get(key);
        if (m == null || !spec.equals(specs.get(key))) {
            throw new IOException(file + ": no row for " + key.replace('|', ' ')
                    + ": the profile does not fit this search space");
        }
        return m;
    }
}
