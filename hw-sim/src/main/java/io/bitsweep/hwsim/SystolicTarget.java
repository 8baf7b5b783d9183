package io.bitsweep.hwsim;

import java.util.ArrayList;
import java.util.List;

/**
 * An R x C systolic array with precision-scalable PEs (Bit Fusion style), an optional BFP mode, a three-buffer SRAM
 * and a DRAM link; optionally data-dependent (zero-activation skipping, bit-serial activations). See docs/HWSIM.md
 * for the model; the formulas below are the spec in ARCHITECTURE.md ("Hardware simulation").
 *
 * <p>Per weighted layer, with E = output positions, K = reduction length, m = MACs per PE per cycle of a mode
 * (the reduction is packed m-fold into each PE):
 * <ul>
 *   <li>OS: folds = ceil(E/R) per column chunk, cycles per fold = ceil(K/m) + R + C - 2;</li>
 *   <li>WS: folds = ceil(K/(R m)) per column chunk, cycles per fold = 2R + C + E - 2;</li>
 *   <li>IS: folds = ceil(K/(R m)) ceil(E/C) per channel segment, cycles per fold = 2R + C + n - 2;</li>
 *   <li>layer compute cycles = sum over folds - 1 (once per layer). At m = 1 this is SCALE-Sim's compute model.</li>
 * </ul>
 * Mixed precision: the unpruned output channels are sorted by weight width, widest first. OS and WS map them to the
 * C columns in chunks of C, each chunk running in the mode of its widest channel; IS streams them in contiguous
 * segments, each in the mode of its widest channel, choosing the segmentation with the fewest cycles. Both mappings
 * are optimal for their cost shape, which is what makes cycles monotone in every channel's width. Pruned channels
 * are not mapped at all.
 *
 * <p>Requantization runs in the {@link EdgeRequantUnits} as the array drains, overlapped with the compute: a layer
 * adds max(0, busy cycles of the units - compute cycles) requantization cycles, and DRAM transfers overlap both, so
 * stall cycles = max(0, DRAM cycles - compute - requantization cycles).
 */
public final class SystolicTarget extends LayerwiseTarget<SystolicTarget.Settings> {

    /** The typed settings of a systolic target (see reference.conf for the meaning and units of each). */
    public record Settings(String name, String description, int rows, int cols, Dataflow dataflow, double clockHz,
                           PrecisionModes modes, boolean bfp, int alignCyclesPerBlock,
                           long ifmapSramBytes, long filterSramBytes, long ofmapSramBytes, double dramBytesPerCycle,
                           double sramPjPerByte, double dramPjPerByte, int vectorLanes, double vectorOpPj,
                           boolean zeroSkip, boolean bitSerial, EdgeRequantUnits requantUnits)
            implements TargetSettings {
    }

    private static final int PSUM_BYTES = 4;

    private final int[] macsPerPe;

    public SystolicTarget(Settings settings) {
        super(settings);
        List<PrecisionMode> modes = settings.modes().modes();
        this.macsPerPe = new int[modes.size()];
        for (int i = 0; i < modes.size(); i++) {
            PrecisionMode m = modes.get(i);
            if (m.macsPerCycle().stripTrailingZeros().scale() > 0) {
                throw new HwSimException(settings.name() + ": precision mode " + m.label() + ": macs-per-pe-cycle = "
                        + m.macsPerCycle() + ": a systolic PE needs a whole number");
            }
            macsPerPe[i] = m.macsPerCycle().intValueExact();
        }
    }

    @Override
    public String kind() {
        return "systolic";
    }

    @Override
    public boolean dataDependent() {
        return s.zeroSkip() || s.bitSerial();
    }

    @Override
    SimulationReport.Footprint footprint(long weightBytes, long peakActivationBytes) {
        return new SimulationReport.Footprint(weightBytes, peakActivationBytes, s.filterSramBytes(),
                s.ifmapSramBytes() + s.ofmapSramBytes(), "filter SRAM", "ifmap+ofmap SRAM");
    }

    /** An array with DRAM behind it never fails to fit: what does not fit its SRAM is re-fetched, at a cost. */
    @Override
    List<String> violations(SimulationReport.Footprint footprint) {
        return List.of();
    }

    @Override
    LayerCost weighted(Layer l, List<RequantPoint> points, long outputStageBytes, ActivationStats stats,
                       boolean idealMemory) {
        if (l.isBfp() && !s.bfp()) {
            throw new HwSimException("layer " + l.name() + ": block floating point (block "
                    + Math.max(l.weightBlock(), l.actBlock()) + ") but target " + s.name() + " has no BFP mode");
        }
        checkForms(l, points);
        final int rows = s.rows();
        final int cols = s.cols();
        int[] counts = new int[33];
        int active = 0;
        for (int c = 0; c < l.outC(); c++) {
            int b = l.weightBits(c);
            if (b > 0) {
                counts[b]++;
                active++;
            }
        }
        if (active == 0) {
            // Nothing to multiply; a fused layer still passes the shortcut through its output stage.
            long bytes = l.requantization().fusedWithNextAdd() ? outputStageBytes : 0;
            return cost(l, 0, 0, 0, points, bytes, bytes, idealMemory, 0);
        }
        final int a = l.actBits();
        final long e = l.outputPositions();
        final long k = l.reduction();
        final double streamFactor = streamFactor(l, stats);

        long cycles = 0;
        long psumBytes = 0;
        int peakMacs = 0;
        double computePj = 0;
        for (int b = 32; b >= 1; b--) {
            if (counts[b] > 0) {
                PrecisionMode m = s.modes().get(s.modes().resolve(l.name(), a, b));
                computePj += (double) counts[b] * l.macsPerChannel() * m.energyPjPerMac();
            }
        }
        computePj *= energyFactor(l, stats);

        if (s.dataflow() == Dataflow.IS) {
            long[] result = inputStationary(l, counts, e, k);
            cycles = result[0];
            psumBytes = result[1];
            peakMacs = (int) result[2];
        } else {
            int b = 33;
            long cum = 0;
            for (long start = 0; start < active; start += cols) {
                while (cum <= start) {
                    b--;
                    cum += counts[b];
                }
                int mi = s.modes().resolve(l.name(), a, b);
                int m = macsPerPe[mi];
                peakMacs = Math.max(peakMacs, m);
                long n = Math.min(cols, active - start);
                if (s.dataflow() == Dataflow.OS) {
                    long stream = scaled(ceilDiv(k, m), streamFactor);
                    cycles += ceilDiv(e, rows) * (stream + rows + cols - 2);
                } else {
                    long kFolds = ceilDiv(k, (long) rows * m);
                    cycles += kFolds * (2L * rows + cols + scaled(e, streamFactor) - 2);
                    psumBytes += (kFolds - 1) * e * n * 2 * PSUM_BYTES;
                }
            }
        }
        long compute = cycles - 1;
        if (l.isBfp()) {
            int block = l.weightBlock() > 0 && l.actBlock() > 0 ? Math.min(l.weightBlock(), l.actBlock())
                    : Math.max(l.weightBlock(), l.actBlock());
            compute += (long) s.alignCyclesPerBlock() * ceilDiv(k, block) * ceilDiv(e, rows) * ceilDiv(active, cols);
        }

        long macs = active * l.macsPerChannel();
        long wBytes = bytes(l.weightStorageBits());
        long inBytes = bytes(l.inputActivationBits());
        long operandBytes = bytes(l.op() == OpKind.DEPTHWISE ? e * k * l.inC() * a : e * k * a);
        long mTiles = ceilDiv(active, cols);
        boolean depthwise = l.op() == OpKind.DEPTHWISE;
        long filterReads;
        long ifmapReads;
        long ifmapPasses;
        switch (s.dataflow()) {
            case OS -> {
                filterReads = wBytes * ceilDiv(e, rows);
                ifmapPasses = depthwise ? 1 : mTiles;
            }
            case WS -> {
                filterReads = wBytes;
                ifmapPasses = depthwise ? 1 : mTiles;
            }
            default -> {
                filterReads = wBytes * ceilDiv(e, cols);
                ifmapPasses = 1;
            }
        }
        ifmapReads = operandBytes * ifmapPasses;
        long sram = filterReads + ifmapReads + outputStageBytes + psumBytes;
        long dram = (wBytes <= s.filterSramBytes() ? wBytes : filterReads)
                + (inBytes <= s.ifmapSramBytes() ? inBytes : inBytes * ifmapPasses)
                + outputStageBytes
                + (e * active * PSUM_BYTES <= s.ofmapSramBytes() ? 0 : psumBytes);
        double util = (double) macs / ((double) compute * rows * cols * peakMacs);
        return cost(l, macs, compute, computePj, points, sram, dram, idealMemory, Math.min(1.0, util));
    }

    /**
     * The cost of a layer whose arithmetic is done ({@code compute} cycles, {@code computePj}): its requantization
     * overlapped with the compute, and stalls for DRAM traffic that neither hides.
     */
    private LayerCost cost(Layer l, long macs, long compute, double computePj, List<RequantPoint> points, long sram,
                           long dram, boolean idealMemory, double utilization) {
        long requant = Math.max(0, s.requantUnits().busyCycles(points) - compute);
        long stall = idealMemory ? 0
                : Math.max(0, (long) Math.ceil(dram / s.dramBytesPerCycle()) - compute - requant);
        long elements = 0;
        for (RequantPoint p : points) {
            elements += p.elements();
        }
        return new LayerCost(l.name(), l.op(), macs, compute, stall, requant, elements, sram, dram, computePj,
                s.requantUnits().energyPj(points), sram * s.sramPjPerByte(), dram * s.dramPjPerByte(), utilization);
    }

    /** Block requantization needs the BFP datapath. */
    private void checkForms(Layer l, List<RequantPoint> points) {
        for (RequantPoint p : points) {
            if (p.form() == ScaleForm.BLOCK && !s.bfp()) {
                throw new HwSimException("layer " + l.name() + ": requantization in form block but target "
                        + s.name() + " has no BFP mode (allowed forms: fixed-point, power-of-two)");
            }
        }
    }

    /**
     * IS streams the output channels through the array; contiguous segments of the width-sorted channels run in the
     * mode of their widest channel. Segment cost is linear in its length, so the best segmentation has its
     * boundaries between runs of equal width: a dynamic programme over those runs (at most 32). Returns
     * {cycles (before the final -1), partial-sum bytes, peak MACs/PE/cycle}.
     */
    private long[] inputStationary(Layer l, int[] counts, long e, long k) {
        final int rows = s.rows();
        final int cols = s.cols();
        int[] runBits = new int[32];
        int[] runCount = new int[32];
        int g = 0;
        for (int b = 32; b >= 1; b--) {
            if (counts[b] > 0) {
                runBits[g] = b;
                runCount[g++] = counts[b];
            }
        }
        long[] best = new long[g + 1];
        int[] from = new int[g + 1];
        for (int j = 1; j <= g; j++) {
            best[j] = Long.MAX_VALUE;
            long n = 0;
            for (int i = j - 1; i >= 0; i--) {
                n += runCount[i];
                int m = macsPerPe[s.modes().resolve(l.name(), l.actBits(), runBits[i])];
                long folds = ceilDiv(k, (long) rows * m) * ceilDiv(e, cols);
                long cost = best[i] + folds * (2L * rows + cols + n - 2);
                if (cost < best[j]) {
                    best[j] = cost;
                    from[j] = i;
                }
            }
        }
        long psum = 0;
        int peak = 0;
        for (int j = g; j > 0; j = from[j]) {
            int i = from[j];
            long n = 0;
            for (int r = i; r < j; r++) {
                n += runCount[r];
            }
            int m = macsPerPe[s.modes().resolve(l.name(), l.actBits(), runBits[i])];
            peak = Math.max(peak, m);
            psum += (ceilDiv(k, (long) rows * m) - 1) * e * n * 2 * PSUM_BYTES;
        }
        return new long[] {best[g], psum, peak};
    }

    @Override
    LayerCost elementWise(Layer l, List<RequantPoint> points, boolean idealMemory) {
        checkForms(l, points);
        long ops = l.elementOps();
        long compute = ceilDiv(ops, s.vectorLanes());
        long bytes = bytes(l.inputActivationBits()) + bytes(l.outputActivationBits());
        return cost(l, 0, compute, ops * s.vectorOpPj(), points, bytes, bytes, idealMemory, 0);
    }

    /**
     * Share of the streamed reduction a data-dependent array still has to process: (1 - zero fraction) with zero
     * skipping, times effective bits / activation bits with bit-serial activations. 1 for static targets, for
     * layers without statistics, and for IS, where the activations are stationary rather than streamed.
     */
    private double streamFactor(Layer l, ActivationStats stats) {
        return s.dataflow() == Dataflow.IS ? 1.0 : energyFactor(l, stats);
    }

    private double energyFactor(Layer l, ActivationStats stats) {
        if (!s.zeroSkip() && !s.bitSerial()) {
            return 1.0;
        }
        ActivationStats.LayerStats st = stats.get(l.name());
        if (st == null) {
            return 1.0;
        }
        double f = s.zeroSkip() ? 1.0 - st.zeroFraction() : 1.0;
        if (s.bitSerial()) {
            f *= Math.min(st.effectiveBits(), l.actBits()) / l.actBits();
        }
        return f;
    }

    /** ceil(n * f), exact when f == 1, and at least 1 so a fold never takes zero cycles. */
    private static long scaled(long n, double f) {
        return f == 1.0 ? n : Math.max(1, (long) Math.ceil(n * f));
    }
}
