package io.bitsweep.hwsim;

import java.util.List;

/**
 * The requantization units at the edge of a systolic array, one {@link Unit} bank per scale form. They take the
 * accumulators as the array drains them (and the rescales of the element-wise unit's ADDs), pipelined with the
 * compute, so a layer's requantization adds only the cycles by which the units are busier than its compute.
 *
 * <p>A unit's energy is given per element pass at a 32-bit accumulator and scales linearly with the accumulator
 * width: the shifter, rounding adder and clamp are as wide as the accumulator, and the multiplier multiplies it by a
 * fixed-width (Q31) multiplier. The output width only sets the clamp bounds and does not change the cost.
 */
public record EdgeRequantUnits(Unit fixedPoint, Unit powerOfTwo, Unit block) {

    /** Accumulator width at which {@link Unit#pjPerElement()} is given. */
    public static final int REFERENCE_ACCUMULATOR_BITS = 32;

    /** One bank: {@code elementsPerCycle} elements through all units together, {@code pjPerElement} each. */
    public record Unit(int elementsPerCycle, double pjPerElement) {
    }

    public Unit unit(ScaleForm form) {
        return switch (form) {
            case FIXED_POINT -> fixedPoint;
            case POWER_OF_TWO -> powerOfTwo;
            case BLOCK -> block;
        };
    }

    /** Cycles the units need for all points of a layer: elements / throughput, rounded up per form. */
    long busyCycles(List<RequantPoint> points) {
        long[] elements = new long[ScaleForm.values().length];
        for (RequantPoint p : points) {
            elements[p.form().ordinal()] += p.elements();
        }
        long cycles = 0;
        for (ScaleForm f : ScaleForm.values()) {
            long eps = unit(f).elementsPerCycle();
            cycles += (elements[f.ordinal()] + eps - 1) / eps;
        }
        return cycles;
    }

    /** Energy of all points of a layer. */
    double energyPj(List<RequantPoint> points) {
        double pj = 0;
        for (RequantPoint p : points) {
            pj += p.elements() * unit(p.form()).pjPerElement() * p.accumulatorBits() / REFERENCE_ACCUMULATOR_BITS;
        }
        return pj;
    }
}
