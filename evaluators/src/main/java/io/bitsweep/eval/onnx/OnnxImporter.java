package io.bitsweep.eval.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import io.bitsweep.eval.io.ModelFileBytes;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.onnx.proto.OnnxProto.GraphProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.ModelProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.StringStringEntryProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.TensorProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.TensorShapeProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.ValueInfoProto;
import io.bitsweep.eval.tflite.ShapeChecker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an .onnx file into the {@link Model} IR: the protobuf is parsed by classes generated from onnx.proto at build
 * time, initializers may be inline or external data files beside the model, and the NCHW graph becomes the NHWC IR
 * ({@link OnnxGraphConverter}); the model declares {@link io.bitsweep.eval.model.TensorLayout#NCHW} input. Bad input
 * is a one-line {@link BitSweepException} naming the file: not ONNX or truncated, an opset outside
 * {@link #MIN_OPSET}..{@link #MAX_OPSET}, an unsupported op, a dynamic spatial input shape.
 *
 * <p>The model's sha256 is that of the .onnx file, followed (when initializers are external) by the external files'
 * bytes in the order they are first referenced, so that changed weights change it too.
 */
public final class OnnxImporter {
    /** The ai.onnx opsets whose semantics the converter implements (ReduceMean's axes input and Pad's axes: 18). */
    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 21;
    /** Metadata key carrying the original sha256 in {@link #selfContained} bytes. */
    static final String SHA_KEY = "bitsweep.model_sha256";

    private final String source;
    private final Path dir;

    private OnnxImporter(String source, Path dir) {
        this.source = source;
        this.dir = dir;
    }

    /** Imports an .onnx file, with its external data files (paths relative to its directory). */
    public static Model load(Path file) {
        return new OnnxImporter(file.toString(), file.toAbsolutePath().getParent()).convert(ModelFileBytes.read(file));
    }

    /**
     * Imports an ONNX model from memory; {@code source} names it in messages. External data cannot be resolved from
     * memory: use {@link #selfContained} bytes (what a Spark job broadcasts).
     */
    public static Model read(byte[] bytes, String source) {
        return new OnnxImporter(source, null).convert(bytes);
    }

    /**
     * The model as one self-contained ModelProto (external data inlined, the file-based sha256 kept in its
     * metadata), which {@link #read} imports anywhere as the same model; the file's bytes if it has no external data.
     */
    public static byte[] selfContained(Path file) {
        byte[] bytes = ModelFileBytes.read(file);
        OnnxImporter importer = new OnnxImporter(file.toString(), file.toAbsolutePath().getParent());
        ModelProto m = importer.parse(bytes);
        if (m.getGraph().getInitializerList().stream().noneMatch(OnnxImporter::isExternal)) {
            return bytes;
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (isExternal(t)) {
                ByteBuffer data = importer.externalData(t, files);
                g.setInitializer(i, t.toBuilder().clearExternalData().clearDataLocation()
                        .setRawData(ByteString.copyFrom(data)).build());
            }
        }
        String sha = sha256(bytes, files.values());
        return m.toBuilder().setGraph(g).addMetadataProps(StringStringEntryProto.newBuilder().setKey(SHA_KEY)
                .setValue(sha)).build().toByteArray();
    }

    private ModelProto parse(byte[] bytes) {
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw error("is truncated or corrupt (not a valid ONNX protobuf: " + e.getMessage() + ")");
        }
        if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
            throw error("is truncated or not an ONNX model (it has no graph nodes)");
        }
        return m;
    }

    private Model convert(byte[] bytes) {
        ModelProto m = parse(bytes);
        checkOpset(m);
        GraphProto g = m.getGraph();
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, ConstTensor> initializers = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            try {
                initializers.put(t.getName(), ConstTensor.decode(t, isExternal(t) ? externalData(t, files) : null));
            } catch (IllegalArgumentException e) {
                throw error("initializer " + InputText.quote(t.getName()) + " " + e.getMessage());
            }
        }
        String sha = m.getMetadataPropsList().stream().filter(p -> p.getKey().equals(SHA_KEY)).findFirst()
                .map(StringStringEntryProto::getValue).orElseGet(() -> sha256(bytes, files.values()));
        ValueInfoProto input = graphInput(g, initializers.keySet());
        Model model = OnnxGraphConverter.convert(source, sha, g, initializers, input.getName(), inputShape(input));
        new ShapeChecker(model).checkAll();
        return model;
    }

    private void checkOpset(ModelProto m) {
        Long opset = null;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset == null) {
            throw error("imports no ai.onnx opset (supported: " + MIN_OPSET + ".." + MAX_OPSET + ")");
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw error("has opset " + opset + " (supported: ai.onnx " + MIN_OPSET + ".." + MAX_OPSET + ")");
        }
    }

    private ValueInfoProto graphInput(GraphProto g, Set<String> initializers) {
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw error("has " + inputs.size() + " graph inputs (supported: 1)");
        }
        ValueInfoProto in = inputs.get(0);
        int type = in.getType().getTensorType().getElemType();
        if (type != ConstTensor.FLOAT) {
            throw error("input " + InputText.quote(in.getName()) + " is " + ConstTensor.typeName(type)
                    + " (supported: float)");
        }
        return in;
    }

    /** The static input shape; a symbolic or unknown batch is taken as 1, any other unknown dimension is refused. */
    private int[] inputShape(ValueInfoProto in) {
        TensorShapeProto s = in.getType().getTensorType().getShape();
        int[] shape = new int[s.getDimCount()];
        StringBuilder shown = new StringBuilder();
        boolean dynamic = false;
        for (int d = 0; d < shape.length; d++) {
            TensorShapeProto.Dimension dim = s.getDim(d);
            boolean known = dim.hasDimValue() && dim.getDimValue() > 0;
            shape[d] = known ? (int) dim.getDimValue() : d == 0 ? 1 : -1;
            dynamic |= !known && d > 0;
            shown.append(d == 0 ? "" : ",").append(known ? String.valueOf(dim.getDimValue())
                    : dim.hasDimParam() ? dim.getDimParam() : "?");
        }
        if (shape.length != 4 && shape.length != 2) {
            throw error("input " + InputText.quote(in.getName()) + " has shape [" + InputText.oneLine(shown.toString())
                    + "] (supported: [N,C,H,W] or [N,K])");
        }
        if (dynamic) {
            throw error("input " + InputText.quote(in.getName()) + " has a dynamic "
                    + (shape.length == 4 ? "spatial " : "") + "shape [" + InputText.oneLine(shown.toString())
                    + "] (supported: static channels, height and width; a symbolic batch is taken as 1)");
        }
        if (shape[0] != 1) {
            throw error("input " + InputText.quote(in.getName()) + " has batch " + shape[0] + " (supported: 1)");
        }
        return shape;
    }

    private static boolean isExternal(TensorProto t) {
        return t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
    }

    /** An initializer's bytes from its external file (location, offset, length), read once per file. */
    private ByteBuffer externalData(TensorProto t, Map<String, byte[]> files) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                case "length" -> length = Long.parseLong(e.getValue());
                default -> { }
            }
        }
        String what = "initializer " + InputText.quote(t.getName());
        if (location == null) {
            throw error(what + " is external data without a location");
        }
        if (dir == null) {
            throw error(what + " is in external file " + location + " (import the model from its file)");
        }
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir.normalize())) {
            throw error(what + " has external location " + location + " outside the model's directory");
        }
        byte[] data = files.get(location);
        if (data == null) {
            try {
                data = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw error(what + ": external data file " + file + " not found");
            } catch (IOException e) {
                throw error(what + ": cannot read external data file " + file + ": " + e.getMessage());
            }
            files.put(location, data);
        }
        if (length < 0) {
            length = data.length - offset;
        }
        if (offset < 0 || offset + length > data.length) {
            throw error(what + " reads bytes " + offset + ".." + (offset + length) + " of " + file + ", which has "
                    + data.length + " (truncated external data?)");
        }
        return ByteBuffer.wrap(data, (int) offset, (int) length).slice();
    }

    private static String sha256(byte[] model, Iterable<byte[]> external) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(model);
            for (byte[] b : external) {
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private BitSweepException error(String what) {
        return new BitSweepException("model " + source + " " + what);
    }

    /** The op types this importer converts, for documentation and messages. */
    public static List<String> supportedOps() {
        Set<String> all = new HashSet<>(OnnxGraphConverter.SUPPORTED);
        all.addAll(ConstantFolder.OPS);
        return all.stream().sorted().toList();
    }
}
