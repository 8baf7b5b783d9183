package io.bitsweep.search.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * A read-only {@link SeekableByteChannel} over a Hadoop {@link FSDataInputStream}, so Arrow's random-access file
 * reader (footer first, then record batches) reads shards on hdfs:// or s3a:// without copying them locally. Hadoop
 * has no such adapter; this one is a thin mapping of position/seek/read.
 */
final class HadoopSeekableChannel implements SeekableByteChannel {
    private final FSDataInputStream in;
    private final long size;
    private boolean open = true;

    HadoopSeekableChannel(FSDataInputStream in, long size) {
        this.in = in;
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (in.getPos() >= size) {
            return -1;
        }
        if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        byte[] buf = new byte[Math.min(dst.remaining(), 1 << 16)];
        int n = in.read(buf, 0, buf.length);
        if (n > 0) {
            dst.put(buf, 0, n);
        }
        return n;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return in.getPos();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        in.seek(Math.min(newPosition, size));
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            in.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
