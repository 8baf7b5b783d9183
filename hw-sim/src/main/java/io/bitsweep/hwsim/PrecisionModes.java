package io.bitsweep.hwsim;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The (activation bits, weight bits) modes a target supports, and the fallback rule for widths it has no mode for:
 * an operand pair (a, w) runs in the <em>least covering mode</em>, the supported (a', w') with a' >= a and w' >= w
 * that every other covering mode dominates. Example: on a {2,4,8} x {2,4,8} grid, 3-bit weights run as 4-bit ones.
 * A pair no mode covers is an error that names the layer and the widths.
 *
 * <p>Two rules, checked when a target is loaded, make costs monotone in precision (lowering any width never costs
 * more): the set is closed under the component-wise minimum (so the least covering mode exists), and a mode that
 * covers another is never faster nor cheaper per MAC than it.
 */
public final class PrecisionModes {
    private static final int MAX_BITS = 32;

    private final List<PrecisionMode> modes;
    /** Least covering mode index for every (a, w) in 0..32, or -1; so that resolving is one array read. */
    private final int[] leastCovering = new int[(MAX_BITS + 1) * (MAX_BITS + 1)];

    public PrecisionModes(String where, List<PrecisionMode> modes) {
        if (modes.isEmpty()) {
            throw new HwSimException(where + ": at least one precision mode is needed");
        }
        this.modes = List.copyOf(modes);
        checkConsistent(where);
        for (int a = 0; a <= MAX_BITS; a++) {
            for (int w = 0; w <= MAX_BITS; w++) {
                leastCovering[a * (MAX_BITS + 1) + w] = findLeastCovering(a, w);
            }
        }
    }

    public List<PrecisionMode> modes() {
        return modes;
    }

    public PrecisionMode get(int index) {
        return modes.get(index);
    }

    /**
     * Index of the mode that runs activations of {@code act} bits times weights of {@code weight} bits in layer
     * {@code layer}; throws a {@link HwSimException} naming the layer and widths if no mode covers them.
     */
    public int resolve(String layer, int act, int weight) {
        int i = act > MAX_BITS || weight > MAX_BITS ? -1 : leastCovering[act * (MAX_BITS + 1) + weight];
        if (i < 0) {
            throw new HwSimException("layer " + layer + ": no precision mode covers activation " + act
                    + " bits x weight " + weight + " bits (supported act x weight: " + labels() + ")");
        }
        return i;
    }

    public String labels() {
        return modes.stream().map(PrecisionMode::label).collect(Collectors.joining(", "));
    }

    private int findLeastCovering(int a, int w) {
        int best = -1;
        for (int i = 0; i < modes.size(); i++) {
            PrecisionMode m = modes.get(i);
            if (m.covers(a, w) && (best < 0 || modes.get(best).covers(m.actBits(), m.weightBits()))) {
                best = i;
            }
        }
        return best;
    }

    private void checkConsistent(String where) {
        for (PrecisionMode p : modes) {
            if (p.actBits() < 1 || p.actBits() > MAX_BITS || p.weightBits() < 1 || p.weightBits() > MAX_BITS) {
                throw new HwSimException(where + ": precision mode " + p.label() + ": bit widths allowed 1..32");
            }
            for (PrecisionMode q : modes) {
                if (p != q && p.actBits() == q.actBits() && p.weightBits() == q.weightBits()) {
                    throw new HwSimException(where + ": precision mode " + p.label() + " is listed twice");
                }
                int ma = Math.min(p.actBits(), q.actBits());
                int mw = Math.min(p.weightBits(), q.weightBits());
                if (modes.stream().noneMatch(m -> m.actBits() == ma && m.weightBits() == mw)) {
                    throw new HwSimException(where + ": precision modes must be closed under the component-wise"
                            + " minimum: " + p.label() + " and " + q.label() + " are listed but " + ma + "x" + mw
                            + " is not");
                }
                if (p.covers(q.actBits(), q.weightBits()) && p != q) {
                    if (p.macsPerCycle().compareTo(q.macsPerCycle()) > 0) {
                        throw new HwSimException(where + ": precision mode " + p.label() + " (" + p.macsPerCycle()
                                + " MACs/cycle) is faster than the narrower mode " + q.label() + " ("
                                + q.macsPerCycle() + ")");
                    }
                    if (p.energyPjPerMac() < q.energyPjPerMac()) {
                        throw new HwSimException(where + ": precision mode " + p.label() + " (" + p.energyPjPerMac()
                                + " pJ/MAC) is cheaper than the narrower mode " + q.label() + " ("
                                + q.energyPjPerMac() + " pJ/MAC)");
                    }
                }
            }
        }
    }
}
