package io.bitsweep.hwsim;

import java.util.List;

/**
 * The layers of the MLPerf Tiny IC model (models/ic/pretrainedResnet.tflite), in the model's execution order, named
 * as the IR names them (docs/MODELS.md). Read from the model's flatbuffer: all convolutions are SAME-padded; the 1x1
 * stride-2 shortcut convolutions run after the second 3x3 of their block. RESHAPE and SOFTMAX are left out (no
 * MACs; the hw-sim workload has no such layer kind).
 */
public final class ResNet8Shapes {
    /** Total MACs of the model: sum over layers of Ho*Wo*kh*kw*Cin*Cout. */
    public static final long MACS = 12_501_632L;

    /**
     * One op of the model's graph as `bitsweep inspect` lists it: its type, the ops whose outputs it reads (the
     * model input is "input"), whether a ReLU is fused into it, and the elements of its output tensor.
     */
    public record Op(String name, String type, List<String> inputs, boolean relu, long outputElements) {
    }

    /** The model's op list, RESHAPE and SOFTMAX included, independent of {@link #workload()}. */
    public static final List<Op> OPS = List.of(
            new Op("conv_2d_0", "CONV_2D", List.of("input"), true, 32 * 32 * 16),
            new Op("conv_2d_1", "CONV_2D", List.of("conv_2d_0"), true, 32 * 32 * 16),
            new Op("conv_2d_2", "CONV_2D", List.of("conv_2d_1"), false, 32 * 32 * 16),
            new Op("add_0", "ADD", List.of("conv_2d_0", "conv_2d_2"), true, 32 * 32 * 16),
            new Op("conv_2d_3", "CONV_2D", List.of("add_0"), true, 16 * 16 * 32),
            new Op("conv_2d_4", "CONV_2D", List.of("conv_2d_3"), false, 16 * 16 * 32),
            new Op("conv_2d_5", "CONV_2D", List.of("add_0"), false, 16 * 16 * 32),
            new Op("add_1", "ADD", List.of("conv_2d_4", "conv_2d_5"), true, 16 * 16 * 32),
            new Op("conv_2d_6", "CONV_2D", List.of("add_1"), true, 8 * 8 * 64),
            new Op("conv_2d_7", "CONV_2D", List.of("conv_2d_6"), false, 8 * 8 * 64),
            new Op("conv_2d_8", "CONV_2D", List.of("add_1"), false, 8 * 8 * 64),
            new Op("add_2", "ADD", List.of("conv_2d_7", "conv_2d_8"), true, 8 * 8 * 64),
            new Op("average_pool_2d_0", "AVERAGE_POOL_2D", List.of("add_2"), false, 64),
            new Op("reshape_0", "RESHAPE", List.of("average_pool_2d_0"), false, 64),
            new Op("fully_connected_0", "FULLY_CONNECTED", List.of("reshape_0"), false, 10),
            new Op("softmax_0", "SOFTMAX", List.of("fully_connected_0"), false, 10));

    private ResNet8Shapes() {
    }

    public static Workload workload() {
        return new Workload("ic-resnet8", List.of(
                Layer.conv("conv_2d_0", 32, 32, 3, 3, 3, 32, 32, 16),
                Layer.conv("conv_2d_1", 32, 32, 16, 3, 3, 32, 32, 16),
                Layer.conv("conv_2d_2", 32, 32, 16, 3, 3, 32, 32, 16),
                Layer.add("add_0", 32, 32, 16),
                Layer.conv("conv_2d_3", 32, 32, 16, 3, 3, 16, 16, 32),
                Layer.conv("conv_2d_4", 16, 16, 32, 3, 3, 16, 16, 32),
                Layer.conv("conv_2d_5", 32, 32, 16, 1, 1, 16, 16, 32),
                Layer.add("add_1", 16, 16, 32),
                Layer.conv("conv_2d_6", 16, 16, 32, 3, 3, 8, 8, 64),
                Layer.conv("conv_2d_7", 8, 8, 64, 3, 3, 8, 8, 64),
                Layer.conv("conv_2d_8", 16, 16, 32, 1, 1, 8, 8, 64),
                Layer.add("add_2", 8, 8, 64),
                Layer.pool("average_pool_2d_0", 8, 8, 64, 8, 8, 1, 1),
                Layer.fc("fully_connected_0", 64, 10)));
    }
}
