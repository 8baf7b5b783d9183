package io.bitsweep.eval.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.Optional;

/**
 * A read-only channel whose I/O errors are marked as the storage's ({@link StorageReadException}), so that a reader
 * can tell "the file system could not deliver the bytes" (an HDFS block with no live replica, a vanished disk) from
 * "the bytes are not a valid file". Arrow and Jackson report both as IOExceptions, sometimes wrapped; the user needs
 * to know which, because only the second means the file itself is bad.
 */
final class StorageReadChannel implements SeekableByteChannel {
    /** An I/O error of the underlying storage, as opposed to one about the content read from it. */
    static final class StorageReadException extends IOException {
        StorageReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final SeekableByteChannel in;

    StorageReadChannel(SeekableByteChannel in) {
        this.in = in;
    }

    /** Opens {@code file} of {@code store}; a failure to open is the storage's too. */
    static SeekableByteChannel open(ShardStore store, String file) throws StorageReadException {
        try {
            return new StorageReadChannel(store.open(file));
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
    }

    /** The storage error somewhere in {@code e}'s cause chain, if the failure came from the storage. */
    static Optional<StorageReadException> storageFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageReadException s) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        try {
            return in.read(dst);
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
    }

    @Override
    public long position() throws IOException {
        try {
            return in.position();
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        try {
            in.position(newPosition);
            return this;
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
    }

    @Override
    public long size() throws IOException {
        try {
            return in.size();
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
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
        return in.isOpen();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
