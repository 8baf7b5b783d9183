package io.bitsweep.search.data;

import io.bitsweep.eval.data.ShardStore;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A shard directory (or the directory of one shard file) on any Hadoop FileSystem. */
final class HadoopShardStore implements ShardStore {
    private final FileSystem fs;
    private final Path dir;

    HadoopShardStore(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    @Override
    public String describe(String file) {
        return new Path(dir, file).toString();
    }

    @Override
    public boolean exists(String file) throws IOException {
        return fs.isFile(new Path(dir, file));
    }

    @Override
    public SeekableByteChannel open(String file) throws IOException {
        Path p = new Path(dir, file);
        FileStatus status = fs.getFileStatus(p);
        return new HadoopSeekableChannel(fs.open(p), status.getLen());
    }
}
