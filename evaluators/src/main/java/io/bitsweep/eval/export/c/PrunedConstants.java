package io.bitsweep.eval.export.c;

import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which channels of which activation tensors always hold their tensor's zero point because the layer writing them
 * pruned them: an unfused layer outputs the zero point in a pruned channel, pooling keeps it (the maximum of equal codes,
 * inside the clamp, is that code, and so is their average while the int16 window sum cannot wrap) and RESHAPE moves it. A convolution or fully connected
 * layer reading such a channel adds {@code w * (zp - zp) = 0}: its weights there are dropped, which is how a pruned
 * channel's constant contribution is folded into what follows. A tensor's element {@code i} is in channel
 * {@code i % period}, the NHWC order a flattening RESHAPE keeps.
 */
final class PrunedConstants {
    /** {@code constant[c]}: channel c (of {@code constant.length} channels, the period) is the zero point. */
    private final Map<Integer, boolean[]> constants = new HashMap<>();

    PrunedConstants(ProgramSpec spec) {
        Model model = spec.model();
        Set<String> fused = spec.fusedLayers();
        for (Op op : model.ops()) {
            switch (op.type()) {
                case CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED -> {
                    boolean[] pruned = spec.op(op.name()).pruned();
                    if (pruned != null && !fused.contains(op.name()) && spec.op(op.name()).block() == null) {
                        constants.put(op.output(), pruned.clone());
                    }
                }
                case MAX_POOL_2D, RESHAPE -> propagate(op);
                case AVERAGE_POOL_2D -> {
                    OpOptions.Pool p = (OpOptions.Pool) op.options();
                    if (p.filterH() * p.filterW() * 128 <= Short.MAX_VALUE) { // the int16 window sum cannot wrap
                        propagate(op);
                    }
                }
                default -> { }
            }
        }
    }

    private void propagate(Op op) {
        boolean[] in = constants.get(op.input(0));
        if (in != null) {
            constants.put(op.output(), in);
        }
    }

    /**
     * The input channels a layer reads whose codes are not constant, as indices into its {@code inputChannels}
     * (conv: the input's channels; fully connected: its inputs), or null if all are read.
     */
    int[] liveInputs(Op layer, int inputChannels) {
        boolean[] constant = constants.get(layer.input(0));
        if (constant == null || inputChannels % constant.length != 0) {
            return null;
        }
        int live = 0;
        for (int i = 0; i < inputChannels; i++) {
            live += constant[i % constant.length] ? 0 : 1;
        }
        if (live == inputChannels) {
            return null;
        }
        int[] out = new int[live];
        for (int i = 0, k = 0; i < inputChannels; i++) {
            if (!constant[i % constant.length]) {
                out[k++] = i;
            }
        }
        return out;
    }
}
