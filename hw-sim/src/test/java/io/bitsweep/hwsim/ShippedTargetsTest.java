package io.bitsweep.hwsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShippedTargetsTest {
    private static final Path CONF_HW = Path.of(System.getProperty("bitsweep.repo", ".."), "conf", "hw");

    @Test
    void everyConfInConfHwIsShippedAndLoadsByPathAndByName() throws IOException {
        List<String> stems;
        try (Stream<Path> files = Files.list(CONF_HW)) {
            stems = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertEquals(Targets.SHIPPED.stream().sorted().toList(), stems);
        for (String name : stems) {
            Target byPath = Targets.load(CONF_HW.resolve(name + ".conf").toString());
            Target byName = Targets.load(name);
            assertEquals(name, byPath.name());
            assertEquals(name, byName.name());
            assertEquals(byPath.simulate(ResNet8Shapes.workload()), byName.simulate(ResNet8Shapes.workload()));
            String text = Files.readString(CONF_HW.resolve(name + ".conf"));
            assertTrue(text.lines().anyMatch(l -> l.startsWith("#") && l.contains("Source")), name + " cites sources");
        }
    }

    @Test
    void shippedSystolicGeometries() {
        for (String name : List.of("systolic-16x16-os", "systolic-16x16-ws", "systolic-32x32-os", "systolic-32x32-ws")) {
            var s = ((SystolicTarget) Targets.load(name)).settings();
            String[] parts = name.split("[-x]");
            assertEquals(Integer.parseInt(parts[1]), s.rows(), name);
            assertEquals(Integer.parseInt(parts[2]), s.cols(), name);
            assertEquals(parts[3], s.dataflow().name().toLowerCase(), name);
        }
        assertTrue(((SystolicTarget) Targets.load("bfp-16x16-os")).settings().bfp());
        var stripes = ((SystolicTarget) Targets.load("stripes-16x16-os")).settings();
        assertTrue(stripes.zeroSkip() && stripes.bitSerial());
    }
}
