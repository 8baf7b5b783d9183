package io.bitsweep.eval.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The identity of a data set: SHA-256 over, for every sample in y_labels.csv order, its raw bytes followed by its
 * label as a 4-byte little-endian int32. In Python: {@code for f, y in rows: h.update(open(f,'rb').read());
 * h.update(struct.pack('<i', y))}. File names are not hashed, so renaming files keeps the identity; the raw bytes,
 * the labels and their order are what an evaluation depends on.
 */
public final class DataSha {
    private final MessageDigest digest;
    private final ByteBuffer label = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);

    public DataSha() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public DataSha add(ByteBuffer raw, int label) {
        digest.update(raw.duplicate());
        this.label.clear();
        this.label.putInt(label).flip();
        digest.update(this.label);
        return this;
    }

    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The SHA-256 of all samples of a set, read through its raw bytes. */
    public static String of(TinyDataset data) {
        DataSha sha = new DataSha();
        for (int i = 0; i < data.size(); i++) {
            sha.add(data.raw(i), data.label(i));
        }
        return sha.hex();
    }
}
