package io.bitsweep.hwsim;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What requantization costs on an MCU-class RISC-V core: per element, the instruction sequence the core runs for a
 * requantization point, built from the ISA extensions the target declares; the cycles are the sum over its
 * instructions, each as on RI5CY / CV32E40P (ALU operations, 32-bit {@code mul} and not-taken branches 1 cycle,
 * {@code mulh} {@code mulhCycles}). The sequences (docs/HWSIM.md lists them for {@code mpic}):
 * <ul>
 *   <li>output: rescale (fixed-point: multiply by the channel's multiplier and a rounding shift; power of two: the
 *       rounding shift alone), add the output zero point, clamp to the output range;</li>
 *   <li>add input (TFLite's ADD): subtract the input zero point, then shift left by ls (20 in TFLite's 32-bit ADD)
 *       and rescale (fixed-point), or one rounding shift by the net power of two;</li>
 *   <li>shortcut (fused residual): subtract its zero point, rescale onto the accumulator's scale (fixed-point), or
 *       shift left (a power of two: accumulator units are finer than the shortcut's), add into the accumulator.</li>
 * </ul>
 * The accumulator, the channel's multiplier, shift, zero points and clamp bounds are in registers (the parameter
 * loads of a channel are hoisted out of its loop); loads and stores of the values themselves are the layer's
 * memory traffic, not requantization. Block floating point has no sequence: an MCU target has no BFP support.
 */
public final class RiscvRequantizer {

    /** ISA extensions that change the sequences. */
    public enum Extension {
        /** RV32M: {@code mul}, {@code mulh}; without it a fixed-point multiplier cannot be applied. */
        M,
        /** Zbb: {@code min}, {@code max}. */
        ZBB,
        /** PULP's Xpulp (RI5CY; CV32E40P's Xcv): {@code cv.addRNr} rounding shift, {@code cv.min}/{@code cv.max}. */
        XPULP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The extension named {@code s}; {@code where} names the HOCON path in the error. */
        public static Extension parse(String where, String s) {
            for (Extension e : values()) {
                if (e.label().equals(s)) {
                    return e;
                }
            }
            throw new HwSimException(where + " = " + s + ": allowed " + EnumSet.allOf(Extension.class).stream()
                    .map(Extension::label).collect(Collectors.joining(", ")));
        }
    }

    /** One instruction of a sequence and the cycles it takes. */
    public record Instruction(String asm, int cycles) {
    }

    /** Accumulators up to this width times a Q15 multiplier fit the 32-bit result of the 1-cycle {@code mul}. */
    private static final int NARROW_ACCUMULATOR_BITS = 16;

    private final Set<Extension> isa;
    private final int mulhCycles;
    /** Cycles per element by [kind][form][narrow accumulator ? 1 : 0]; -1 where the core cannot run it. */
    private final int[][][] cycles = new int[RequantPoint.Kind.values().length][ScaleForm.values().length][2];
    private final String[][][] whyNot = new String[RequantPoint.Kind.values().length][ScaleForm.values().length][2];

    public RiscvRequantizer(Set<Extension> isa, int mulhCycles) {
        this.isa = EnumSet.noneOf(Extension.class);
        this.isa.addAll(isa);
        this.mulhCycles = mulhCycles;
        for (RequantPoint.Kind k : RequantPoint.Kind.values()) {
            for (ScaleForm f : ScaleForm.values()) {
                for (int narrow = 0; narrow < 2; narrow++) {
                    int acc = narrow == 1 ? NARROW_ACCUMULATOR_BITS : 32;
                    try {
                        cycles[k.ordinal()][f.ordinal()][narrow] =
                                sequence(k, f, acc).stream().mapToInt(Instruction::cycles).sum();
                    } catch (HwSimException e) {
                        cycles[k.ordinal()][f.ordinal()][narrow] = -1;
                        whyNot[k.ordinal()][f.ordinal()][narrow] = e.getMessage();
                    }
                }
            }
        }
    }

    /** Cycles to requantize all elements of point {@code p} of layer {@code layer}; an error names the layer. */
    long cycles(String layer, RequantPoint p) {
        int narrow = p.accumulatorBits() <= NARROW_ACCUMULATOR_BITS ? 1 : 0;
        int c = cycles[p.kind().ordinal()][p.form().ordinal()][narrow];
        if (c < 0) {
            throw new HwSimException("layer " + layer + ": " + whyNot[p.kind().ordinal()][p.form().ordinal()][narrow]);
        }
        return c * p.elements();
    }

    /**
     * The instructions the core runs per element at a point of {@code kind} in scale form {@code form}, rescaling
     * an accumulator of {@code accumulatorBits}; throws {@link HwSimException} if this core cannot run it.
     */
    public List<Instruction> sequence(RequantPoint.Kind kind, ScaleForm form, int accumulatorBits) {
        if (form == ScaleForm.BLOCK) {
            throw new HwSimException(kind.label() + " requantization in form block needs a BFP datapath, which an"
                    + " MCU core does not have (allowed forms: fixed-point, power-of-two)");
        }
        boolean fixed = form == ScaleForm.FIXED_POINT;
        List<Instruction> s = new ArrayList<>();
        switch (kind) {
            case OUTPUT -> {
                if (fixed) {
                    multiply(s, accumulatorBits);
                } else {
                    roundingShift(s);
                }
                s.add(new Instruction("add t, t, zp_out", 1));
                clamp(s);
            }
            case ADD_INPUT -> {
                s.add(new Instruction("add t, q, -zp_in", 1));
                if (fixed) {
                    s.add(new Instruction("slli t, t, ls", 1));
                    multiply(s, accumulatorBits);
                } else {
                    roundingShift(s);
                }
            }
            case SHORTCUT -> {
                s.add(new Instruction("add t, b, -zp_b", 1));
                if (fixed) {
                    multiply(s, accumulatorBits);
                } else {
                    s.add(new Instruction("slli t, t, k", 1));
                }
                s.add(new Instruction("add acc, acc, t", 1));
            }
        }
        return s;
    }

    /**
     * t * M, rounded and shifted down by the channel's s: the high word of t times a Q31 multiplier (mulh; the
     * doubling of TFLite's Q31 product is folded into s), or, for an accumulator of at most 16 bits, the 32-bit
     * product with a Q15 multiplier (mul).
     */
    private void multiply(List<Instruction> s, int accumulatorBits) {
        if (!isa.contains(Extension.M)) {
            throw new HwSimException("fixed-point requantization needs a multiplier, but the target declares"
                    + " isa-extensions " + labels() + " (add m, or use power-of-two scales)");
        }
        if (accumulatorBits <= NARROW_ACCUMULATOR_BITS) {
            s.add(new Instruction("mul t, t, M", 1));
        } else {
            s.add(new Instruction("mulh t, t, M", mulhCycles));
        }
        roundingShift(s);
    }

    /** (t + 2^(s-1)) >> s. */
    private void roundingShift(List<Instruction> s) {
        if (isa.contains(Extension.XPULP)) {
            s.add(new Instruction("cv.addRNr t, zero, s", 1));
        } else {
            s.add(new Instruction("add t, t, half", 1));
            s.add(new Instruction("sra t, t, s", 1));
        }
    }

    /** t = min(max(t, lo), hi); branch-free on a core without min/max instructions. */
    private void clamp(List<Instruction> s) {
        if (isa.contains(Extension.XPULP)) {
            s.add(new Instruction("cv.max t, t, lo", 1));
            s.add(new Instruction("cv.min t, t, hi", 1));
        } else if (isa.contains(Extension.ZBB)) {
            s.add(new Instruction("max t, t, lo", 1));
            s.add(new Instruction("min t, t, hi", 1));
        } else {
            for (String[] bound : new String[][] {{"slt c, t, lo", "sub d, lo, t"}, {"slt c, hi, t", "sub d, hi, t"}}) {
                s.add(new Instruction(bound[0], 1));
                s.add(new Instruction(bound[1], 1));
                s.add(new Instruction("neg c, c", 1));
                s.add(new Instruction("and d, d, c", 1));
                s.add(new Instruction("add t, t, d", 1));
            }
        }
    }

    private String labels() {
        return isa.stream().map(Extension::label).collect(Collectors.joining(", ", "[", "]"));
    }
}
