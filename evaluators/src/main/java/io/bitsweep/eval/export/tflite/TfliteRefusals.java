package io.bitsweep.eval.export.tflite;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.PrunedFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import java.util.Objects;

/**
 * What the exact engine computes that TFLite's int8 kernels cannot, each refused in one line naming the layer
 * (docs/EXPORT.md, "TFLite"): residual fusion, block arithmetic, activations that are not 8-bit, and accumulators
 * narrower than int32. Everything else in a {@link ProgramSpec} is an int8 model TFLite runs with the same
 * arithmetic (with {@link CodeClamps} for symmetric int8's -127).
 */
final class TfliteRefusals {
    private TfliteRefusals() {}

    static void check(ProgramSpec spec) {
        Model model = spec.model();
        if (spec.options().accumulatorBits() != 32) {
            throw new BitSweepException(model.source() + ": the program accumulates in "
                    + spec.options().accumulatorBits() + " bits; TFLite's kernels accumulate in int32 (allowed: 32)");
        }
        for (Op op : model.ops()) {
            ProgramSpec.OpSpec o = spec.op(op.name());
            if (o.fusedLayer() != null) {
                throw refuse(model, op, "residual fusion with " + o.fusedLayer() + " cannot be exported: TFLite's "
                        + "ADD requantizes the layer's output and both its inputs, the fused engine requantizes once "
                        + "(allowed: fusion none)");
            }
            if (o.block() != null) {
                throw refuse(model, op, "weights " + blockFormat(o) + " run on block arithmetic, which TFLite has no "
                        + "kernel for (allowed: int2..int8 weights per channel, pruned)");
            }
            if (o.outputFormat() != null && !(o.outputFormat() instanceof IntFormat i && i.bits() == 8)) {
                throw refuse(model, op, "activations " + o.outputFormat().spec() + " are not 8-bit; TFLite's int8 "
                        + "kernels write int8 codes (allowed: int8, int8:asym, int8:pot)");
            }
        }
    }

    private static String blockFormat(ProgramSpec.OpSpec o) {
        return o.weightFormats() == null ? "in a block format" : o.weightFormats().stream()
                .filter(f -> !(f instanceof PrunedFormat)).map(NumberFormat::spec).filter(Objects::nonNull)
                .findFirst().orElse("in a block format");
    }

    static BitSweepException refuse(Model model, Op op, String why) {
        return new BitSweepException(model.source() + ": layer " + op.name() + " (" + op.type() + "): " + why);
    }
}
