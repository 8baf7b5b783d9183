package io.bitsweep.eval.export.tflite;

import io.bitsweep.eval.engine.exact.ActivationRange;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpType;
import io.bitsweep.eval.model.QuantParams;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The clamps the engine applies that TFLite's fused activations do not. The engine clamps a layer's, ADD's or MUL's
 * output to the fused activation's int8 range and to its format's codes; TFLite to the first only. Symmetric int8
 * stops at -127, so where the activation lets -128 through (no ReLU), the export raises the tensor to -127 with an
 * int8 MAXIMUM ({@link io.bitsweep.eval.tflite.TfliteWriter}): max(clamp(v, lo, hi), -127) is the engine's
 * clamp(v, max(lo, -127), hi).
 */
final class CodeClamps {
    private CodeClamps() {}

    /** Tensor index to the smallest code, for the outputs whose codes cut into their activation's int8 range. */
    static Map<Integer, Integer> of(ProgramSpec spec) {
        Model model = spec.model();
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (Op op : model.ops()) {
            ProgramSpec.CodeRange codes = spec.op(op.name()).outputCodes();
            if (codes == null || !clampsItsOutput(op.type())) {
                continue;
            }
            QuantParams q = model.output(op).quant().orElseThrow();
            int[] tflite = ActivationRange.int8(op.options().activation(), q.scale(0), (int) q.zeroPoint(0));
            if (codes.max() < tflite[1]) { // no 8-bit format does this: their codes end at 127
                throw TfliteRefusals.refuse(model, op, "activations clamp to codes [" + codes.min() + ", "
                        + codes.max() + "], below TFLite's int8 range " + Arrays.toString(tflite) + " under fused "
                        + "activation " + op.options().activation() + " (allowed: codes up to 127)");
            }
            if (codes.min() > tflite[0]) {
                out.put(op.output(), codes.min());
            }
        }
        return out;
    }

    /** The ops whose output the engine clamps to their format's codes as well as to the fused activation. */
    private static boolean clampsItsOutput(OpType type) {
        return type.isQuantizable() || type == OpType.ADD || type == OpType.MUL;
    }
}
