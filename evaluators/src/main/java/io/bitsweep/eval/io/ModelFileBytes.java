package io.bitsweep.eval.io;

import io.bitsweep.eval.BitSweepException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a model file whole, with the one-line errors every importer gives for a missing or unreadable file. */
public final class ModelFileBytes {
    private ModelFileBytes() {}

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BitSweepException("model file " + file + " not found");
        } catch (IOException e) {
            throw new BitSweepException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }
}
