package io.bitsweep.search.data;

import java.net.URI;
import java.nio.file.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under a scheme of its own, {@code bsfs:///path}: a Hadoop FileSystem that is not {@code file://},
 * found the way hdfs:// and s3a:// are (META-INF/services), so the tests reach every place where data and run-store
 * locations go through Hadoop's FileSystem rather than java.nio. It shows the code is scheme-agnostic; it does not
 * show HDFS's or S3's own semantics (no namenode or object store runs here).
 */
public class ForeignSchemeFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "bsfs";

    /** A local path as a bsfs URI. */
    public static String uri(Path local) {
        return SCHEME + "://" + local.toAbsolutePath().normalize().toUri().getPath();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }
}
