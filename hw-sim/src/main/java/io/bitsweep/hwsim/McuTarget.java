package io.bitsweep.hwsim;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * An MPIC-like RISC-V core (Ottavi et al. 2020): one core whose MAC rate depends on the (activation, weight) widths,
 * a fixed energy per cycle, and on-chip flash (weights) and RAM (activations) with no DRAM behind them.
 *
 * <p>Cycles of a weighted layer = ceil( sum over its precision groups of MACs_g / rate_g ), computed exactly in
 * decimal: the rounding is once per layer, upwards. Element-wise layers take ceil(ops / elementwise rate). Energy is
 * cycles x pJ/cycle (the published per-cycle figure includes the core's memory accesses, so none of it is reported
 * as SRAM or DRAM energy). A workload whose weights exceed the flash, or whose largest layer (input + output activations)
 * exceeds the RAM, is reported as a violated constraint, not an error.
 *
 * <p>Requantization runs on the same core after the MACs: its cycles are the elements of each requantization point
 * times the cycles of the point's instruction sequence on this core ({@link RiscvRequantizer}), at the same energy
 * per cycle.
 */
public final class McuTarget extends LayerwiseTarget<McuTarget.Settings> {

    /** The typed settings of an MCU target (see reference.conf). */
    public record Settings(String name, String description, double clockHz, PrecisionModes modes, double pjPerCycle,
                           int elementwiseOpsPerCycle, long flashBytes, long ramBytes, RiscvRequantizer requantizer)
            implements TargetSettings {
    }

    public McuTarget(Settings settings) {
        super(settings);
    }

    @Override
    public String kind() {
        return "mcu";
    }

    @Override
    SimulationReport.Footprint footprint(long weightBytes, long peakActivationBytes) {
        return new SimulationReport.Footprint(weightBytes, peakActivationBytes, s.flashBytes(), s.ramBytes(),
                "flash", "RAM");
    }

    /** No DRAM behind the chip: weights that exceed the flash or activations that exceed the RAM do not run. */
    @Override
    List<String> violations(SimulationReport.Footprint footprint) {
        List<String> violations = new ArrayList<>();
        if (footprint.weightBytes() > s.flashBytes()) {
            violations.add("weights need " + footprint.weightBytes() + " B but flash holds " + s.flashBytes()
                    + " B");
        }
        if (footprint.peakActivationBytes() > s.ramBytes()) {
            violations.add("activations need " + footprint.peakActivationBytes() + " B but RAM holds "
                    + s.ramBytes() + " B");
        }
        return violations;
    }

    /** Static timing with no DRAM: the activation statistics and the memory model do not apply. */
    @Override
    LayerCost weighted(Layer l, List<RequantPoint> points, long outputStageBytes, ActivationStats stats,
                       boolean idealMemory) {
        if (l.isBfp()) {
            throw new HwSimException("layer " + l.name() + ": block floating point is not supported by target "
                    + s.name() + " (kind mcu)");
        }
        int[] counts = new int[33];
        for (int c = 0; c < l.outC(); c++) {
            counts[l.weightBits(c)]++;
        }
        long perChannel = l.macsPerChannel();
        long macs = 0;
        // Exact sum of MACs_g * den_g / num_g as one fraction, rounded up once.
        BigInteger sumNum = BigInteger.ZERO;
        BigInteger sumDen = BigInteger.ONE;
        BigDecimal peakRate = BigDecimal.ZERO;
        for (int b = 1; b <= 32; b++) {
            if (counts[b] == 0) {
                continue;
            }
            PrecisionMode m = s.modes().get(s.modes().resolve(l.name(), l.actBits(), b));
            long groupMacs = counts[b] * perChannel;
            macs += groupMacs;
            BigInteger n = BigInteger.valueOf(groupMacs).multiply(BigInteger.valueOf(m.rateDen()));
            BigInteger d = BigInteger.valueOf(m.rateNum());
            sumNum = sumNum.multiply(d).add(n.multiply(sumDen));
            sumDen = sumDen.multiply(d);
            peakRate = peakRate.max(m.macsPerCycle());
        }
        long compute = sumNum.add(sumDen).subtract(BigInteger.ONE).divide(sumDen).longValueExact();
        long bytes = bytes(l.weightStorageBits()) + bytes(l.inputActivationBits()) + outputStageBytes;
        double util = compute == 0 ? 0 : macs / (compute * peakRate.doubleValue());
        return cost(l, macs, compute, points, bytes, Math.min(1.0, util));
    }

    @Override
    LayerCost elementWise(Layer l, List<RequantPoint> points, boolean idealMemory) {
        long compute = ceilDiv(l.elementOps(), s.elementwiseOpsPerCycle());
        long bytes = bytes(l.inputActivationBits()) + bytes(l.outputActivationBits());
        return cost(l, 0, compute, points, bytes, 0);
    }

    /** Compute and requantization cycles one after the other on the core, all at the same energy per cycle. */
    private LayerCost cost(Layer l, long macs, long compute, List<RequantPoint> points, long sramBytes,
                           double utilization) {
        long requant = 0;
        long elements = 0;
        for (RequantPoint p : points) {
            requant += s.requantizer().cycles(l.name(), p);
            elements += p.elements();
        }
        return new LayerCost(l.name(), l.op(), macs, compute, 0, requant, elements, sramBytes, 0,
                compute * s.pjPerCycle(), requant * s.pjPerCycle(), 0, 0, utilization);
    }
}
