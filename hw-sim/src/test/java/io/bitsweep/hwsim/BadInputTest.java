package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad targets, layers and statistics fail with one line naming the file or layer, the field and the value. */
class BadInputTest {

    private static String loadError(String body) {
        return assertThrows(HwSimException.class,
                () -> Targets.fromConfig("bad.conf", "bad", ConfigFactory.parseString(body))).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "'" + message + "' should mention '" + p + "'");
        }
        assertTrue(!message.contains("\n"), "one line: " + message);
    }

    @Test
    void unknownKeyNamesTheHoconPathAndTheAllowedKeys() {
        assertMentions(loadError("target { kind = systolic, memory { ifmap-sramm = 64 KiB } }"),
                "bad.conf", "unknown key target.memory.ifmap-sramm", "ifmap-sram", "filter-sram");
        assertMentions(loadError("target { kind = systolic, colums = 8 }"), "unknown key target.colums", "cols");
        assertMentions(loadError("target { kind = mcu, precision-modes = [ { act = 8, weight = 8, macs = 2 } ] }"),
                "target.precision-modes[0].macs", "macs-per-cycle");
    }

    @Test
    void badValuesNameThePathAndValue() {
        assertMentions(loadError("target { kind = systolic, rows = -4 }"), "bad.conf", "target.rows = -4", "> 0");
        assertMentions(loadError("target { kind = systolic, dataflow = rs }"), "target.dataflow = rs", "os, ws, is");
        assertMentions(loadError("target { kind = systolic, rows = many }"), "bad.conf", "rows");
        assertMentions(loadError("target { kind = gpu }"), "target.kind = gpu", "mcu", "systolic");
        assertMentions(loadError("target { kind = systolic, memory.ifmap-sram = -64 KiB }"), "memory.ifmap-sram");
        assertMentions(loadError("nottarget { kind = mcu }"), "missing object 'target'");
    }

    @Test
    void inconsistentPrecisionModesAreRejected() {
        assertMentions(loadError("target { kind = systolic, precision-modes = ["
                        + "{ act = 8, weight = 4, macs-per-cycle = 2, energy-pj-per-mac = 0.2 },"
                        + "{ act = 4, weight = 8, macs-per-cycle = 2, energy-pj-per-mac = 0.2 } ] }"),
                "closed under the component-wise minimum", "4x4");
        assertMentions(loadError("target { kind = mcu, precision-modes = ["
                        + "{ act = 8, weight = 8, macs-per-cycle = 3 }, { act = 8, weight = 4, macs-per-cycle = 2 } ] }"),
                "8x8", "faster than the narrower mode 8x4");
        assertMentions(loadError("target { kind = systolic, precision-modes = ["
                        + "{ act = 8, weight = 8, macs-per-cycle = 1.5, energy-pj-per-mac = 0.2 } ] }"),
                "macs-per-pe-cycle = 1.5", "whole number");
    }

    @Test
    void unsupportedPrecisionPairNamesLayerAndWidths() {
        Workload w = new Workload("w", List.of(Layer.conv("conv_2d_7", 8, 8, 8, 3, 3, 8, 8, 8)
                .withActivationBits(16, 8)));
        assertMentions(assertThrows(HwSimException.class, () -> Targets.load("systolic-16x16-os").simulate(w))
                .getMessage(), "layer conv_2d_7", "activation 16 bits", "8x8");
        assertMentions(assertThrows(HwSimException.class, () -> Targets.load("mpic").simulate(w)).getMessage(),
                "layer conv_2d_7", "16");
    }

    @Test
    void bfpOnATargetWithoutBfpNamesTheLayer() {
        Workload w = new Workload("w", List.of(Layer.fc("fully_connected_0", 64, 10).withBfp(16, 0, 8)));
        assertMentions(assertThrows(HwSimException.class, () -> Targets.load("systolic-16x16-ws").simulate(w))
                .getMessage(), "layer fully_connected_0", "block 16", "no BFP mode");
        assertMentions(assertThrows(HwSimException.class, () -> Targets.load("mpic").simulate(w)).getMessage(),
                "layer fully_connected_0", "block floating point");
    }

    @Test
    void negativeSizesAndWidthsNameLayerAndValue() {
        assertMentions(assertThrows(HwSimException.class,
                () -> Layer.conv("conv_2d_3", 32, 32, -16, 3, 3, 16, 16, 32)).getMessage(),
                "layer conv_2d_3", "inC = -16");
        assertMentions(assertThrows(HwSimException.class,
                () -> Layer.fc("fully_connected_0", 64, 2).withWeightBits(new int[] {8, -1})).getMessage(),
                "layer fully_connected_0", "channel 1 = -1");
        assertMentions(assertThrows(HwSimException.class,
                () -> Layer.fc("fully_connected_0", 64, 2).withWeightBits(new int[] {8})).getMessage(),
                "layer fully_connected_0", "1 weight precisions for 2 output channels");
        assertMentions(assertThrows(HwSimException.class,
                () -> Layer.fc("fully_connected_0", 64, 2).withBfp(-8, 0, 8)).getMessage(),
                "layer fully_connected_0", "block size = -8");
        assertMentions(assertThrows(HwSimException.class,
                () -> ActivationStats.builder().put("conv_2d_1", 1.5, 4, 10)).getMessage(),
                "layer conv_2d_1", "zero fraction = 1.5");
    }

    @Test
    void badRequantizationSettingsNameThePathAndAllowedValues() {
        assertMentions(loadError("target { kind = mcu, isa-extensions = [m, xpulpv9] }"), "bad.conf",
                "target.isa-extensions[1] = xpulpv9", "m, zbb, xpulp");
        assertMentions(loadError("target { kind = mcu, mulh-cycles = 0 }"), "target.mulh-cycles = 0", "> 0");
        assertMentions(loadError("target { kind = systolic, requantization.fixed-point.elements-per-cyle = 4 }"),
                "unknown key target.requantization.fixed-point.elements-per-cyle", "elements-per-cycle",
                "pj-per-element");
        assertMentions(loadError("target { kind = systolic, requantization.power-of-two.pj-per-element = 5 }"),
                "target.requantization.power-of-two.pj-per-element = 5.0",
                "target.requantization.fixed-point.pj-per-element = 3.5");
        assertMentions(loadError("target { kind = systolic, requantization.power-of-two.elements-per-cycle = 4 }"),
                "target.requantization.power-of-two.elements-per-cycle = 4", "fixed-point.elements-per-cycle = 16");
        assertMentions(loadError("target { kind = systolic, requantization.block.elements-per-cycle = 0 }"),
                "target.requantization.block.elements-per-cycle = 0", "> 0");
    }

    @Test
    void badRequantizationOfALayerOrWorkloadNamesIt() {
        assertMentions(assertThrows(HwSimException.class, () -> Layer.pool("average_pool_2d_0", 8, 8, 64, 8, 8, 1, 1)
                .withRequantization(Requantization.TFLITE)).getMessage(), "layer average_pool_2d_0",
                "no requantization");
        assertMentions(assertThrows(HwSimException.class, () -> Layer.add("add_0", 8, 8, 64)
                .withRequantization(Requantization.TFLITE.withFusedNextAdd(true))).getMessage(), "layer add_0",
                "cannot be fused", "conv, depthwise, fc");
        assertMentions(assertThrows(HwSimException.class,
                () -> new Requantization(ScaleForm.FIXED_POINT, 40, false)).getMessage(), "accumulator bits = 40",
                "8..32");
        Layer fused = Layer.conv("conv_2d_8", 16, 16, 32, 1, 1, 8, 8, 64)
                .withRequantization(Requantization.TFLITE.withFusedNextAdd(true));
        assertMentions(assertThrows(HwSimException.class, () -> new Workload("w", List.of(fused,
                Layer.add("add_2", 8, 8, 32)))).getMessage(), "workload w", "layer conv_2d_8", "8x8x64",
                "add_2(add 8x8x32");
        assertMentions(assertThrows(HwSimException.class, () -> new Workload("w", List.of(fused))).getMessage(),
                "layer conv_2d_8", "got none");
    }

    @Test
    void missingFileAndUnknownNameListTheShippedTargets(@TempDir Path dir) throws Exception {
        assertMentions(assertThrows(HwSimException.class, () -> Targets.load("conf/hw/nope.conf")).getMessage(),
                "conf/hw/nope.conf", "mpic");
        assertMentions(assertThrows(HwSimException.class, () -> Targets.load("tpu")).getMessage(),
                "unknown target tpu", "systolic-16x16-os");
        Path broken = dir.resolve("broken.conf");
        Files.writeString(broken, "target { kind = systolic\n rows = [ }\n");
        assertMentions(assertThrows(HwSimException.class, () -> Targets.load(broken.toString())).getMessage(),
                "broken.conf");
    }
}
