package io.bitsweep.hwsim;

import java.util.ArrayList;
import java.util.List;

/**
 * What every target kind shares: the identity accessors backed by its typed settings, and the {@link #simulate}
 * skeleton. A workload is costed layer by layer (weighted layers and element-wise layers separately, each with its
 * requantization points; an ADD done by a fused layer costs nothing of its own); its footprint is the bytes of all
 * weights and the largest input + output activations of any one layer (as shaped, fused or not). A target kind supplies
 * the two layer costs, the memories the footprint is held against, and which overflows are violated constraints.
 *
 * @param <S> the target kind's settings record
 */
abstract class LayerwiseTarget<S extends TargetSettings> implements Target {

    /** The settings; short because the cost formulas read many of its fields. */
    protected final S s;

    LayerwiseTarget(S settings) {
        this.s = settings;
    }

    public final S settings() {
        return s;
    }

    @Override
    public final String name() {
        return s.name();
    }

    @Override
    public final String description() {
        return s.description();
    }

    @Override
    public final double clockHz() {
        return s.clockHz();
    }

    @Override
    public final SimulationReport simulate(Workload workload, ActivationStats stats, boolean idealMemory) {
        List<LayerCost> costs = new ArrayList<>(workload.size());
        long weightBytes = 0;
        long peakAct = 0;
        for (int i = 0; i < workload.size(); i++) {
            Layer l = workload.layer(i);
            List<RequantPoint> points = workload.requantPoints(i);
            if (workload.addDoneByPreviousLayer(i)) {
                costs.add(LayerCost.none(l));
            } else if (l.op().hasWeights()) {
                Layer fusedAdd = l.requantization().fusedWithNextAdd() ? workload.layer(i + 1) : null;
                costs.add(weighted(l, points, outputStageBytes(l, fusedAdd), stats, idealMemory));
            } else {
                costs.add(elementWise(l, points, idealMemory));
            }
            weightBytes += bytes(l.weightStorageBits());
            peakAct = Math.max(peakAct, bytes(l.inputActivationBits()) + bytes(l.outputActivationBits()));
        }
        SimulationReport.Footprint footprint = footprint(weightBytes, peakAct);
        return new SimulationReport(s.name(), workload.name(), s.clockHz(), costs, footprint, violations(footprint));
    }

    /**
     * Bytes the output stage of a weighted layer moves: its output; or, fused with the ADD that follows, that ADD's
     * shortcut read and its sum written, while its own output never leaves the accumulator.
     */
    private static long outputStageBytes(Layer l, Layer fusedAdd) {
        return fusedAdd == null ? bytes(l.outputActivationBits())
                : bytes(fusedAdd.operandBits()) + bytes(fusedAdd.outputActivationBits());
    }

    /**
     * The cost of a layer with weights (conv, depthwise, FC) with its requantization points; {@code outputStageBytes}
     * is the traffic of its output stage. Throws {@link HwSimException} if the target cannot run it.
     */
    abstract LayerCost weighted(Layer l, List<RequantPoint> points, long outputStageBytes, ActivationStats stats,
                                boolean idealMemory);

    /** The cost of a layer without weights (add, pool, ...) with its requantization points. */
    abstract LayerCost elementWise(Layer l, List<RequantPoint> points, boolean idealMemory);

    /** The workload's footprint against this target's weight and activation memories. */
    abstract SimulationReport.Footprint footprint(long weightBytes, long peakActivationBytes);

    /** The constraints the footprint violates, one line each; empty if the workload fits. */
    abstract List<String> violations(SimulationReport.Footprint footprint);

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    static long bytes(long bits) {
        return (bits + 7) / 8;
    }
}
