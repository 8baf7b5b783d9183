package io.bitsweep.hwsim;

import java.util.ArrayList;
import java.util.List;

/**
 * What every target kind shares: the identity accessors backed by its typed settings, and the {@link #simulate}
 * skeleton. A workload is costed layer by layer (weighted layers and element-wise layers separately); its footprint
 * is the bytes of all weights and the largest input + output activations of any one layer. A target kind supplies
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
            costs.add(l.op().hasWeights() ? weighted(l, stats, idealMemory) : elementWise(l, idealMemory));
            weightBytes += bytes(l.weightStorageBits());
            peakAct = Math.max(peakAct, bytes(l.inputActivationBits()) + bytes(l.outputActivationBits()));
        }
        SimulationReport.Footprint footprint = footprint(weightBytes, peakAct);
        return new SimulationReport(s.name(), workload.name(), s.clockHz(), costs, footprint, violations(footprint));
    }

    /** The cost of a layer with weights (conv, depthwise, FC); throws {@link HwSimException} if it cannot run. */
    abstract LayerCost weighted(Layer l, ActivationStats stats, boolean idealMemory);

    /** The cost of a layer without weights (add, pool, ...). */
    abstract LayerCost elementWise(Layer l, boolean idealMemory);

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
