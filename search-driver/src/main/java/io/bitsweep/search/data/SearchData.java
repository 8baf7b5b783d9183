package io.bitsweep.search.data;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.assets.Assets;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.ShardFiles;
import io.bitsweep.eval.data.ShardManifest;
import io.bitsweep.eval.data.ShardSetDataset;
import io.bitsweep.eval.data.TinyDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The search's data locations ({@code bitsweep.search.data}), on the driver and on the executors:
 * <ul>
 *   <li>a local path ({@code assets:<path>} resolves against the MLPerf Tiny assets): anything {@link Datasets#open}
 *       reads, a .bin directory, a shard directory or one shard file;</li>
 *   <li>a URI with a scheme Hadoop knows ({@code file://}, {@code hdfs://}, {@code s3a://}, ...): a shard directory
 *       ({@code bitsweep data convert} output, with manifest.json) or one {@code .arrow} shard, read through Hadoop's
 *       FileSystem. The Hadoop configuration is the default one (core-site.xml on the classpath, {@code HADOOP_CONF_DIR}
 *       under spark-submit), so credentials and endpoints are configured as for any Spark job.</li>
 * </ul>
 */
public final class SearchData {
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:/.*");

    private SearchData() {}

    /** True for a Hadoop FileSystem URI, false for a local path or assets: location. */
    public static boolean isUri(String location) {
        return URI_SCHEME.matcher(location).matches();
    }

    /**
     * The location as executors will be given it: URIs unchanged, local and assets: paths absolute. Checks that it
     * exists; {@code key} names the config key in the error.
     */
    public static String resolve(String location, String key) {
        if (location.isBlank()) {
            throw new BitSweepException(key + ": missing (a path, assets:<path> or a Hadoop FileSystem URI)");
        }
        if (isUri(location)) {
            try {
                Path p = new Path(location);
                if (!p.getFileSystem(new Configuration()).exists(p)) {
                    throw new BitSweepException(key + ": no such file or directory: " + location);
                }
            } catch (IOException e) {
                throw new BitSweepException(key + ": cannot access " + location + ": " + e.getMessage(), e);
            }
            return location;
        }
        java.nio.file.Path p = location.startsWith("assets:") ? Assets.resolve(location.substring(7))
                : java.nio.file.Path.of(location);
        if (!Files.exists(p)) {
            throw new BitSweepException(key + ": no such file or directory: " + p);
        }
        return p.toAbsolutePath().normalize().toString();
    }

    /** Opens a location given by {@link #resolve}. */
    public static TinyDataset open(String location) {
        if (!isUri(location)) {
            return Datasets.open(java.nio.file.Path.of(location));
        }
        try {
            Path p = new Path(location);
            FileSystem fs = p.getFileSystem(new Configuration());
            if (fs.isFile(p)) {
                if (!p.getName().endsWith(ShardFiles.EXTENSION)) {
                    throw new BitSweepException("data " + location + " is not an Arrow shard (*" + ShardFiles.EXTENSION
                            + "); on a Hadoop FileSystem, data is a shard directory or one shard file");
                }
                HadoopShardStore store = new HadoopShardStore(fs, p.getParent());
                try (SeekableByteChannel ch = store.open(p.getName())) {
                    return ShardFiles.read(ch, location);
                }
            }
            if (!fs.isFile(new Path(p, ShardManifest.NAME))) {
                throw new BitSweepException("data " + location + " has no " + ShardManifest.NAME + ": on a Hadoop "
                        + "FileSystem, data is a shard directory ('bitsweep data convert' output) or one shard file");
            }
            return ShardSetDataset.open(new HadoopShardStore(fs, p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read data " + location + ": " + e.getMessage(), e);
        }
    }
}
