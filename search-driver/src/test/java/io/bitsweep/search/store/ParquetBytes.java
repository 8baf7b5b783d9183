package io.bitsweep.search.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Parquet file's bytes before its footer: every data page, byte for byte. The footer is left out because it
 * carries the writing run's provenance (its run id differs between two runs of the same search).
 */
public final class ParquetBytes {
    private ParquetBytes() {}

    public static byte[] beforeFooter(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        // The file ends with the footer, its length (4 bytes, little endian) and the magic "PAR1".
        int footer = ByteBuffer.wrap(all, all.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return Arrays.copyOf(all, all.length - 8 - footer);
    }
}
