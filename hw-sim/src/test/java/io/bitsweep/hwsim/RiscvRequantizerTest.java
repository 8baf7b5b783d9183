package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The MCU's requantization: instruction sequences per point, from the ISA extensions the target declares. */
class RiscvRequantizerTest {
    private static final RiscvRequantizer MPIC = ((McuTarget) Targets.load("mpic")).settings().requantizer();
    private static final Path HWSIM_MD = Path.of(System.getProperty("bitsweep.repo", ".."), "docs", "HWSIM.md");

    private static int cycles(RiscvRequantizer r, RequantPoint.Kind kind, ScaleForm form, int accumulatorBits) {
        return r.sequence(kind, form, accumulatorBits).stream().mapToInt(RiscvRequantizer.Instruction::cycles).sum();
    }

    private static String asm(RiscvRequantizer r, RequantPoint.Kind kind, ScaleForm form, int accumulatorBits) {
        return r.sequence(kind, form, accumulatorBits).stream().map(RiscvRequantizer.Instruction::asm)
                .collect(Collectors.joining("; "));
    }

    @Test
    void mpicRunsMultiplyRoundingShiftZeroPointAndClampAgainstShiftZeroPointAndClamp() {
        assertEquals("mulh t, t, M; cv.addRNr t, zero, s; add t, t, zp_out; cv.max t, t, lo; cv.min t, t, hi",
                asm(MPIC, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 32));
        assertEquals("cv.addRNr t, zero, s; add t, t, zp_out; cv.max t, t, lo; cv.min t, t, hi",
                asm(MPIC, RequantPoint.Kind.OUTPUT, ScaleForm.POWER_OF_TWO, 32));
        // mulh takes 5 cycles, everything else 1.
        assertEquals(9, cycles(MPIC, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 32));
        assertEquals(4, cycles(MPIC, RequantPoint.Kind.OUTPUT, ScaleForm.POWER_OF_TWO, 32));
        assertEquals(8, cycles(MPIC, RequantPoint.Kind.ADD_INPUT, ScaleForm.FIXED_POINT, 32));
        assertEquals(2, cycles(MPIC, RequantPoint.Kind.ADD_INPUT, ScaleForm.POWER_OF_TWO, 32));
        assertEquals(8, cycles(MPIC, RequantPoint.Kind.SHORTCUT, ScaleForm.FIXED_POINT, 32));
        assertEquals(3, cycles(MPIC, RequantPoint.Kind.SHORTCUT, ScaleForm.POWER_OF_TWO, 32));
        // An accumulator of at most 16 bits times a Q15 multiplier fits the 1-cycle mul instead of mulh.
        assertEquals("mul t, t, M; cv.addRNr t, zero, s; add t, t, zp_out; cv.max t, t, lo; cv.min t, t, hi",
                asm(MPIC, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 16));
        assertEquals(5, cycles(MPIC, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 16));
        assertEquals(9, cycles(MPIC, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 17));
    }

    @Test
    void withoutXpulpTheRoundingShiftAndClampTakeMoreInstructions() {
        RiscvRequantizer rv32im = new RiscvRequantizer(EnumSet.of(RiscvRequantizer.Extension.M), 5);
        RiscvRequantizer zbb = new RiscvRequantizer(
                EnumSet.of(RiscvRequantizer.Extension.M, RiscvRequantizer.Extension.ZBB), 5);
        // mulh 5 + add, sra + zero point + branch-free clamp of 5 per bound.
        assertEquals(18, cycles(rv32im, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 32));
        assertEquals(13, cycles(rv32im, RequantPoint.Kind.OUTPUT, ScaleForm.POWER_OF_TWO, 32));
        assertEquals(10, cycles(zbb, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 32));
        assertEquals(5, cycles(zbb, RequantPoint.Kind.OUTPUT, ScaleForm.POWER_OF_TWO, 32));
        // A 16-bit accumulator takes mul there too.
        assertEquals("mul t, t, M; add t, t, half; sra t, t, s; add t, t, zp_out; max t, t, lo; min t, t, hi",
                asm(zbb, RequantPoint.Kind.OUTPUT, ScaleForm.FIXED_POINT, 16));
    }

    @Test
    void aTargetDeclaresItsIsaAndMulhLatency() {
        Target rv32im = Targets.fromConfig("t.conf", "t", ConfigFactory.parseString(
                "target { kind = mcu, isa-extensions = [m], mulh-cycles = 3 }"));
        Layer fc = Layer.fc("fully_connected_0", 64, 10);
        // 10 outputs x (mulh 3 + add + sra + zero point + clamp 10).
        assertEquals(10 * 16, rv32im.simulate(new Workload("w", List.of(fc))).requantCycles());
        Target noMultiplier = Targets.fromConfig("t.conf", "t", ConfigFactory.parseString(
                "target { kind = mcu, isa-extensions = [xpulp] }"));
        String msg = assertThrows(HwSimException.class,
                () -> noMultiplier.simulate(new Workload("w", List.of(fc)))).getMessage();
        assertTrue(msg.contains("layer fully_connected_0") && msg.contains("needs a multiplier")
                && msg.contains("add m"), msg);
        Layer pot = fc.withRequantization(Requantization.TFLITE.withForm(ScaleForm.POWER_OF_TWO));
        assertEquals(10 * 4, noMultiplier.simulate(new Workload("w", List.of(pot))).requantCycles());
    }

    @Test
    void blockRequantizationIsNotForAnMcu() {
        Layer fc = Layer.fc("fully_connected_0", 64, 10)
                .withRequantization(Requantization.TFLITE.withForm(ScaleForm.BLOCK));
        String msg = assertThrows(HwSimException.class,
                () -> Targets.load("mpic").simulate(new Workload("w", List.of(fc)))).getMessage();
        assertTrue(msg.contains("layer fully_connected_0") && msg.contains("form block"), msg);
    }

    @Test
    void docsListEveryMpicSequence() throws IOException {
        String docs = Files.readString(HWSIM_MD);
        for (RequantPoint.Kind kind : RequantPoint.Kind.values()) {
            for (ScaleForm form : List.of(ScaleForm.FIXED_POINT, ScaleForm.POWER_OF_TWO)) {
                for (int acc : new int[] {32, 16}) {
                    String line = asm(MPIC, kind, form, acc);
                    assertTrue(docs.contains("`" + line + "`"), "docs/HWSIM.md lacks `" + line + "`");
                }
            }
        }
    }
}
