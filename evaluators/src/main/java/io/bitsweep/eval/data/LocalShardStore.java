package io.bitsweep.eval.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A shard directory on the local file system. */
public record LocalShardStore(Path dir) implements ShardStore {
    @Override
    public String describe(String file) {
        return dir.resolve(file).toString();
    }

    @Override
    public boolean exists(String file) {
        return Files.isRegularFile(dir.resolve(file));
    }

    @Override
    public SeekableByteChannel open(String file) throws IOException {
        return FileChannel.open(dir.resolve(file), StandardOpenOption.READ);
    }
}
