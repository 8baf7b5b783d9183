package io.bitsweep.eval.data;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;

/**
 * Where the files of a shard directory live: a local directory ({@link LocalShardStore}) or, in search-driver, a
 * Hadoop FileSystem directory (hdfs://, s3a://, ...). Evaluators reads shards through this seam and stays free of
 * Hadoop.
 */
public interface ShardStore {
    /** The file's full name (path or URI), for error messages. */
    String describe(String file);

    boolean exists(String file) throws IOException;

    /** Opens a file of the directory for random-access reading (Arrow's file format reads its footer first). */
    SeekableByteChannel open(String file) throws IOException;
}
