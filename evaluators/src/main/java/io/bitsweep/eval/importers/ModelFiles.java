package io.bitsweep.eval.importers;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.io.ModelFileBytes;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.onnx.OnnxImporter;
import io.bitsweep.eval.tflite.TfliteImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one place a model file becomes the {@link Model} IR, whatever its format: {@code .tflite} (FlatBuffers with
 * the "TFL3" identifier) or {@code .onnx}, recognised by content first and by extension second. Every {@code --model}
 * of the CLI and the search's {@code model} go through here.
 */
public final class ModelFiles {
    /** The model file formats. */
    public enum Format { TFLITE, ONNX }

    private ModelFiles() {}

    /** Imports a model file. */
    public static Model load(Path file) {
        return format(file) == Format.TFLITE ? TfliteImporter.load(file) : OnnxImporter.load(file);
    }

    /** Imports a model from bytes made by {@link #portableBytes} (e.g. broadcast to Spark executors). */
    public static Model read(byte[] bytes, String source) {
        return isTflite(bytes) ? TfliteImporter.read(bytes, source) : OnnxImporter.read(bytes, source);
    }

    /** The model as one byte array that {@link #read} imports anywhere (ONNX external data inlined). */
    public static byte[] portableBytes(Path file) {
        if (format(file) == Format.ONNX) {
            return OnnxImporter.selfContained(file);
        }
        return ModelFileBytes.read(file);
    }

    /** The file's format: TFLite by its identifier, else ONNX by its .onnx extension; anything else is an error. */
    public static Format format(Path file) {
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 8);
        } catch (NoSuchFileException e) {
            throw new BitSweepException("model file " + file + " not found");
        } catch (IOException e) {
            throw new BitSweepException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
        if (n == 8 && isTflite(head)) {
            return Format.TFLITE;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            return Format.ONNX;
        }
        if (name.endsWith(".tflite")) {
            return Format.TFLITE; // the TFLite importer names what is wrong with it
        }
        throw new BitSweepException("model " + file + " is neither a TFLite model (file identifier \"TFL3\") nor "
                + "an ONNX model (.onnx) (supported: .tflite, .onnx)");
    }

    private static boolean isTflite(byte[] bytes) {
        return bytes.length >= 8 && new String(bytes, 4, 4, StandardCharsets.ISO_8859_1).equals("TFL3");
    }
}
