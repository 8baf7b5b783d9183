package io.bitsweep.search.store;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.SelfSuppression;
import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.SearchSpace;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A run directory (ARCHITECTURE.md "Run store") on any Hadoop FileSystem:
 * run.json, generations/gen=NNNNN/{population,evaluations,archive}.parquet + _COMPLETE, front.csv, front.png,
 * report.html, best/<id>.json. Every file is written to a hidden temp name and renamed into place, and a generation
 * counts only once its _COMPLETE marker, written last, exists.
 */
public final class RunStore {
    public static final String RUN_JSON = "run.json";
    public static final String COMPLETE = "_COMPLETE";
    public static final String SUMMARY = "summary.json";
    public static final String SENSITIVITY = "sensitivity.parquet";
    /** Written last, after the final generation and the front: a run that has it is finished. */
    public static final String REPORT = "report.html";

    private final Configuration conf;
    private final FileSystem fs;
    private final Path root;

    private RunStore(Configuration conf, Path root) {
        this.conf = conf;
        this.root = root;
        try {
            this.fs = root.getFileSystem(conf);
        } catch (IOException e) {
            throw new BitSweepException("cannot open run directory " + root + ": " + e.getMessage(), e);
        }
    }

    /** @param location a local path or a URI such as hdfs://nn/runs/x or s3a://bucket/runs/x */
    public static RunStore at(String location, Configuration conf) {
        return new RunStore(withoutLocalChecksums(conf), path(location));
    }

    /**
     * On file:// Hadoop's default LocalFileSystem writes a hidden .crc beside every file and then refuses to read a
     * file edited by anything else (a user fixing run.json, a notebook, cp without the .crc): "Checksum error". A run
     * directory is for people and tools to read, so it is written by the raw local file system (uncached, so that
     * the JVM's shared checksummed instance is left as it is). Other schemes keep their own integrity checks.
     */
    private static Configuration withoutLocalChecksums(Configuration conf) {
        Configuration c = new Configuration(conf);
        c.setClass("fs.file.impl", RawLocalFileSystem.class, FileSystem.class);
        c.setBoolean("fs.file.impl.disable.cache", true);
        return c;
    }

    /** A location as a Hadoop path: URIs as they are, local paths made absolute. */
    public static Path path(String location) {
        return new Path(URI.create(location.contains("://") ? location
                : java.nio.file.Path.of(location).toAbsolutePath().normalize().toUri().toString()));
    }

    public String location() {
        return root.toString();
    }

    /** Where a file of the run directory is, as a path or URI. */
    public String locationOf(String relative) {
        return new Path(root, relative).toString();
    }

    /** True if the directory exists and holds anything. */
    public boolean existsNonEmpty() {
        try {
            return fs.exists(root) && fs.listStatus(root).length > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True once the run has written its report, its last file: a finished search (a sweep skips it on resume). */
    public boolean isFinished() {
        return exists(REPORT);
    }

    public boolean exists(String relative) {
        try {
            return fs.exists(new Path(root, relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String readText(String relative) {
        try (InputStream in = fs.open(new Path(root, relative))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + new Path(root, relative) + ": " + e.getMessage(), e);
        }
    }

    public void writeText(String relative, String content) {
        writeBytes(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    public void writeBytes(String relative, byte[] content) {
        atomically(relative, tmp -> {
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(content);
            }
        });
    }

    /** The newest generation with a _COMPLETE marker, or -1 if there is none. */
    public int lastCompleteGeneration() {
        Path gens = new Path(root, "generations");
        try {
            if (!fs.exists(gens)) {
                return -1;
            }
            int last = -1;
            for (FileStatus st : fs.listStatus(gens)) {
                String name = st.getPath().getName();
                if (st.isDirectory() && name.matches("gen=\\d{5}") && fs.exists(new Path(st.getPath(), COMPLETE))) {
                    last = Math.max(last, Integer.parseInt(name.substring(4)));
                }
            }
            return last;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The three tables of one generation and its summary.json, then its _COMPLETE marker.
     *
     * @param metadata key-value metadata every table's footer carries (the run's provenance)
     */
    public void writeGeneration(int generation, List<ScoredTable.Row> population, List<ScoredTable.Row> evaluations,
                                List<ScoredTable.Row> archive, String summaryJson, Map<String, String> metadata) {
        String dir = generationDir(generation);
        writeTable(dir + "/population.parquet", population, metadata);
        writeTable(dir + "/evaluations.parquet", evaluations, metadata);
        writeTable(dir + "/archive.parquet", archive, metadata);
        writeText(dir + "/" + SUMMARY, summaryJson);
        writeText(dir + "/" + COMPLETE, "");
    }

    /** sensitivity.parquet, with the run's provenance in its footer. */
    public void writeSensitivity(SensitivityProfile profile, SearchSpace space, Map<String, String> metadata) {
        atomically(SENSITIVITY, tmp -> SensitivityTable.write(conf, tmp, profile, space, metadata));
    }

    /** The profile sensitivity.parquet holds, checked to fit {@code space}. */
    public SensitivityProfile readSensitivity(SearchSpace space) {
        Path file = new Path(root, SENSITIVITY);
        try {
            return SensitivityTable.read(conf, file, space).checkFits(space, file.toString());
        } catch (IOException e) {
            throw new BitSweepException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public List<ScoredTable.Row> readTable(int generation, String table) {
        Path file = new Path(root, generationDir(generation) + "/" + table + ".parquet");
        try {
            return ScoredTable.read(conf, file);
        } catch (IOException e) {
            throw new BitSweepException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A generation table's footer metadata. */
    public Map<String, String> tableMetadata(int generation, String table) {
        Path file = new Path(root, generationDir(generation) + "/" + table + ".parquet");
        try {
            return ScoredTable.metadata(conf, file);
        } catch (IOException e) {
            throw new BitSweepException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static String generationDir(int generation) {
        return String.format("generations/gen=%05d", generation);
    }

    /** A Parquet file of {@code rows} (of {@code schema}), written atomically: a table derived from runs. */
    public void writeParquet(String relative, MessageType schema, List<Group> rows) {
        atomically(relative, tmp -> {
            try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(tmp, conf))
                    .withConf(conf).withType(schema).withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
                for (Group g : rows) {
                    w.write(g);
                }
            }
        });
    }

    private void writeTable(String relative, List<ScoredTable.Row> rows, Map<String, String> metadata) {
        atomically(relative, tmp -> ScoredTable.write(conf, tmp, rows, metadata));
    }

    private interface TmpWriter {
        void write(Path tmp) throws IOException;
    }

    private void atomically(String relative, TmpWriter writer) {
        Path target = new Path(root, relative);
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
        try {
            fs.mkdirs(target.getParent());
            writer.write(tmp);
            // HDFS's rename does not replace: drop the old file first (its content is superseded anyway).
            if (fs.exists(target)) {
                fs.delete(target, false);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename " + tmp + " -> " + target + " failed");
            }
        } catch (IOException | IllegalArgumentException e) {
            // A datanode lost mid-write fails the write and the stream's close() alike: see SelfSuppression.
            if (!(SelfSuppression.unwrap(e) instanceof IOException failure)) {
                throw (IllegalArgumentException) e;
            }
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // best effort: the temp file is hidden and named after its target
            }
            throw new UncheckedIOException("cannot write " + target + ": " + failure.getMessage(), failure);
        }
    }
}
