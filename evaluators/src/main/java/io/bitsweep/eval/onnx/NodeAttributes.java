package io.bitsweep.eval.onnx;

import io.bitsweep.eval.onnx.proto.OnnxProto.AttributeProto;
import io.bitsweep.eval.onnx.proto.OnnxProto.NodeProto;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The attributes of one ONNX node by name, with ONNX's defaults supplied by the caller. */
final class NodeAttributes {
    private final Map<String, AttributeProto> byName = new HashMap<>();

    NodeAttributes(NodeProto node) {
        for (AttributeProto a : node.getAttributeList()) {
            byName.put(a.getName(), a);
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    long getInt(String name, long dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getI();
    }

    float getFloat(String name, float dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getF();
    }

    String getString(String name, String dflt) {
        AttributeProto a = byName.get(name);
        return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** An INTS attribute, or null if absent. */
    int[] getInts(String name) {
        AttributeProto a = byName.get(name);
        return a == null ? null : a.getIntsList().stream().mapToInt(Long::intValue).toArray();
    }

    AttributeProto get(String name) {
        return byName.get(name);
    }
}
