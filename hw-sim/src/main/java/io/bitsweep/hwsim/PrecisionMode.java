package io.bitsweep.hwsim;

import java.math.BigDecimal;

/**
 * One operating mode of a precision-scalable datapath: it multiplies activations of up to {@code actBits} by weights
 * of up to {@code weightBits}, {@code macsPerCycle} of them per PE (systolic) or per core (MCU) per cycle, at
 * {@code energyPjPerMac} each. The rate is kept as an exact decimal ({@code rateNum / rateDen}) so that cycle counts
 * such as MACs / 2.1 are rounded exactly, not in binary floating point.
 */
public record PrecisionMode(int actBits, int weightBits, BigDecimal macsPerCycle, double energyPjPerMac) {

    public PrecisionMode {
        if (macsPerCycle.signum() <= 0) {
            throw new HwSimException("precision mode " + actBits + "x" + weightBits + ": macs per cycle = "
                    + macsPerCycle + ": must be > 0");
        }
    }

    /** Numerator of the rate as an exact fraction. */
    public long rateNum() {
        return macsPerCycle.unscaledValue().longValueExact() * (macsPerCycle.scale() < 0 ? pow10(-macsPerCycle.scale()) : 1);
    }

    /** Denominator of the rate as an exact fraction (a power of ten). */
    public long rateDen() {
        return macsPerCycle.scale() > 0 ? pow10(macsPerCycle.scale()) : 1;
    }

    /** True if this mode can run operands of the given widths (both at most this mode's widths). */
    public boolean covers(int act, int weight) {
        return act <= actBits && weight <= weightBits;
    }

    public String label() {
        return actBits + "x" + weightBits;
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }
}
