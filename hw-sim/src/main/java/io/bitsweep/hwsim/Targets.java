package io.bitsweep.hwsim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads hardware targets from HOCON: a file {@code conf/hw/NAME.conf} by path, or a shipped target by name (the
 * files of conf/hw are also packaged in the hw-sim jar, so names work on Spark executors too). Defaults come from
 * hw-sim's {@code reference.conf} ({@code bitsweep.hw.<kind>}); a key the kind does not have, a value of the wrong
 * type or out of range is a {@link HwSimException} naming the file, the HOCON path and the value.
 */
public final class Targets {
    /** The targets shipped in conf/hw, loadable by name. */
    public static final List<String> SHIPPED = List.of(
            "systolic-16x16-os", "systolic-16x16-ws", "systolic-32x32-os", "systolic-32x32-ws",
            "mpic", "bfp-16x16-os", "stripes-16x16-os");

    private static final String RESOURCE_DIR = "io/bitsweep/hwsim/targets/";
    private static final Set<String> COMMON_KEYS = Set.of("name", "kind", "description");

    private Targets() {
    }

    /** A target by file path (anything ending in .conf or containing a '/') or by shipped name. */
    public static Target load(String pathOrName) {
        if (pathOrName.endsWith(".conf") || pathOrName.contains("/")) {
            Path p = Path.of(pathOrName);
            if (!Files.isRegularFile(p)) {
                throw new HwSimException("no such target file: " + pathOrName + " (shipped targets: "
                        + String.join(", ", SHIPPED) + ")");
            }
            return fromFile(p);
        }
        try (InputStream in = Targets.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + pathOrName + ".conf")) {
            if (in == null) {
                throw new HwSimException("unknown target " + pathOrName + " (shipped targets: "
                        + String.join(", ", SHIPPED) + "; or give a path to a .conf file)");
            }
            Config file = ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setOriginDescription(pathOrName + ".conf"));
            return fromConfig(pathOrName + ".conf", pathOrName, file);
        } catch (IOException e) {
            throw new HwSimException("cannot read target " + pathOrName + ": " + e.getMessage(), e);
        }
    }

    public static Target fromFile(Path file) {
        Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new HwSimException(file + ": " + e.getMessage(), e);
        }
        String stem = file.getFileName().toString().replaceFirst("\\.conf$", "");
        return fromConfig(file.toString(), stem, parsed);
    }

    /** A target from parsed HOCON with a top-level {@code target} object; {@code where} names it in errors. */
    public static Target fromConfig(String where, String defaultName, Config file) {
        try {
            if (!file.hasPath("target")) {
                throw new HwSimException(where + ": missing object 'target' (with kind = systolic | mcu)");
            }
            Config t = file.getConfig("target");
            String kind = t.hasPath("kind") ? t.getString("kind") : "";
            Config ref = ConfigFactory.defaultReference(Targets.class.getClassLoader()).getConfig("bitsweep.hw");
            if (!ref.hasPath(kind) || kind.isEmpty()) {
                throw new HwSimException(where + ": target.kind = " + (kind.isEmpty() ? "(missing)" : kind)
                        + ": allowed " + String.join(", ", ref.root().keySet()));
            }
            Config defaults = ref.getConfig(kind);
            checkKnownKeys(where, t, defaults);
            Config c = t.withFallback(defaults);
            c.checkValid(defaults);
            String name = c.hasPath("name") ? c.getString("name") : defaultName;
            String ctx = where + " (target " + name + ")";
            return switch (kind) {
                case "systolic" -> systolic(ctx, name, c);
                case "mcu" -> mcu(ctx, name, c);
                default -> throw new IllegalStateException(kind);
            };
        } catch (ConfigException e) {
            throw new HwSimException(where + ": " + e.getMessage(), e);
        }
    }

    private static SystolicTarget systolic(String where, String name, Config c) {
        var settings = new SystolicTarget.Settings(name, c.getString("description"),
                positiveInt(where, c, "rows"), positiveInt(where, c, "cols"),
                Dataflow.parse(where + ": target.dataflow", c.getString("dataflow")),
                positiveDouble(where, c, "clock-mhz") * 1e6,
                modes(where, c, true),
                c.getBoolean("bfp.enabled"), nonNegativeInt(where, c, "bfp.align-cycles-per-block"),
                positiveBytes(where, c, "memory.ifmap-sram"), positiveBytes(where, c, "memory.filter-sram"),
                positiveBytes(where, c, "memory.ofmap-sram"), positiveDouble(where, c, "memory.dram-bytes-per-cycle"),
                nonNegativeDouble(where, c, "energy.sram-pj-per-byte"),
                nonNegativeDouble(where, c, "energy.dram-pj-per-byte"),
                positiveInt(where, c, "vector-lanes"), nonNegativeDouble(where, c, "energy.vector-op-pj"),
                c.getBoolean("data-dependent.zero-skip"), c.getBoolean("data-dependent.bit-serial"),
                edgeRequantUnits(where, c));
        return new SystolicTarget(settings);
    }

    /**
     * Reads target.requantization: a bank of units per scale form. A power-of-two unit (a shifter) must be neither
     * slower nor dearer than the fixed-point one (a multiplier and a shifter), so that choosing power-of-two scales
     * never costs more.
     */
    private static EdgeRequantUnits edgeRequantUnits(String where, Config c) {
        EdgeRequantUnits.Unit[] units = new EdgeRequantUnits.Unit[ScaleForm.values().length];
        for (ScaleForm f : ScaleForm.values()) {
            String at = "requantization." + f.label();
            units[f.ordinal()] = new EdgeRequantUnits.Unit(positiveInt(where, c, at + ".elements-per-cycle"),
                    nonNegativeDouble(where, c, at + ".pj-per-element"));
        }
        EdgeRequantUnits.Unit fixed = units[ScaleForm.FIXED_POINT.ordinal()];
        EdgeRequantUnits.Unit pot = units[ScaleForm.POWER_OF_TWO.ordinal()];
        if (pot.pjPerElement() > fixed.pjPerElement()) {
            throw new HwSimException(where + ": target.requantization.power-of-two.pj-per-element = "
                    + pot.pjPerElement() + ": must be <= target.requantization.fixed-point.pj-per-element = "
                    + fixed.pjPerElement() + " (a shift never costs more than a multiply and a shift)");
        }
        if (pot.elementsPerCycle() < fixed.elementsPerCycle()) {
            throw new HwSimException(where + ": target.requantization.power-of-two.elements-per-cycle = "
                    + pot.elementsPerCycle() + ": must be >= target.requantization.fixed-point.elements-per-cycle = "
                    + fixed.elementsPerCycle() + " (a shift never costs more than a multiply and a shift)");
        }
        return new EdgeRequantUnits(fixed, pot, units[ScaleForm.BLOCK.ordinal()]);
    }

    private static McuTarget mcu(String where, String name, Config c) {
        double pjPerCycle = positiveDouble(where, c, "pj-per-cycle");
        var settings = new McuTarget.Settings(name, c.getString("description"),
                positiveDouble(where, c, "clock-mhz") * 1e6,
                modes(where, c, false, pjPerCycle), pjPerCycle,
                positiveInt(where, c, "elementwise-ops-per-cycle"),
                positiveBytes(where, c, "memory.flash"), positiveBytes(where, c, "memory.ram"),
                new RiscvRequantizer(isaExtensions(where, c), positiveInt(where, c, "mulh-cycles")));
        return new McuTarget(settings);
    }

    /** Reads target.isa-extensions, a list of extension names. */
    private static Set<RiscvRequantizer.Extension> isaExtensions(String where, Config c) {
        Set<RiscvRequantizer.Extension> isa = EnumSet.noneOf(RiscvRequantizer.Extension.class);
        List<String> names = c.getStringList("isa-extensions");
        for (int i = 0; i < names.size(); i++) {
            isa.add(RiscvRequantizer.Extension.parse(where + ": target.isa-extensions[" + i + "]", names.get(i)));
        }
        return isa;
    }

    private static PrecisionModes modes(String where, Config c, boolean perMacEnergy) {
        return modes(where, c, perMacEnergy, 0);
    }

    /**
     * Reads target.precision-modes. Systolic modes carry energy-pj-per-mac; MCU modes derive it from the energy per
     * cycle (pJ/cycle / MACs per cycle), which is what the monotonicity rule of {@link PrecisionModes} then checks.
     */
    private static PrecisionModes modes(String where, Config c, boolean perMacEnergy, double pjPerCycle) {
        Set<String> allowed = perMacEnergy ? Set.of("act", "weight", "macs-per-cycle", "energy-pj-per-mac")
                : Set.of("act", "weight", "macs-per-cycle");
        List<PrecisionMode> modes = new ArrayList<>();
        List<? extends Config> list = c.getConfigList("precision-modes");
        for (int i = 0; i < list.size(); i++) {
            Config m = list.get(i);
            String at = "target.precision-modes[" + i + "]";
            for (String key : m.root().keySet()) {
                if (!allowed.contains(key)) {
                    throw new HwSimException(where + ": unknown key " + at + "." + key + " (allowed: "
                            + String.join(", ", new TreeSet<>(allowed)) + ")");
                }
            }
            for (String key : allowed) {
                if (!m.hasPath(key)) {
                    throw new HwSimException(where + ": missing key " + at + "." + key);
                }
            }
            int act = m.getInt("act");
            int weight = m.getInt("weight");
            for (String key : List.of("act", "weight")) {
                int v = m.getInt(key);
                if (v < 1 || v > 32) {
                    throw new HwSimException(where + ": " + at + "." + key + " = " + v + ": allowed 1..32");
                }
            }
            ConfigValue macs = m.getValue("macs-per-cycle");
            if (macs.valueType() != ConfigValueType.NUMBER) {
                throw new HwSimException(where + ": " + at + ".macs-per-cycle = " + macs.unwrapped()
                        + ": must be a number");
            }
            BigDecimal rate = new BigDecimal(macs.unwrapped().toString());
            if (rate.signum() <= 0) {
                throw new HwSimException(where + ": " + at + ".macs-per-cycle = " + rate + ": must be > 0");
            }
            double energy = perMacEnergy ? m.getDouble("energy-pj-per-mac") : pjPerCycle / rate.doubleValue();
            if (energy < 0) {
                throw new HwSimException(where + ": " + at + ".energy-pj-per-mac = " + energy + ": must be >= 0");
            }
            modes.add(new PrecisionMode(act, weight, rate, energy));
        }
        return new PrecisionModes(where + ": target.precision-modes", modes);
    }

    /** Every key of the target file must exist in the kind's defaults (besides name, kind, description). */
    private static void checkKnownKeys(String where, Config target, Config defaults) {
        for (Map.Entry<String, ConfigValue> e : target.entrySet()) {
            String path = e.getKey();
            if (COMMON_KEYS.contains(path) || defaults.hasPathOrNull(path)) {
                continue;
            }
            String parent = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : "";
            while (!parent.isEmpty() && !defaults.hasPath(parent)) {
                parent = parent.contains(".") ? parent.substring(0, parent.lastIndexOf('.')) : "";
            }
            Set<String> keys = new TreeSet<>(parent.isEmpty() ? defaults.root().keySet()
                    : defaults.getValue(parent).valueType() == ConfigValueType.OBJECT
                    ? defaults.getConfig(parent).root().keySet() : Set.of());
            if (parent.isEmpty()) {
                keys.addAll(COMMON_KEYS);
            }
            throw new HwSimException(where + ": unknown key target." + path + " (allowed under target"
                    + (parent.isEmpty() ? "" : "." + parent) + ": " + String.join(", ", keys) + ")");
        }
    }

    private static int positiveInt(String where, Config c, String path) {
        int v = c.getInt(path);
        if (v <= 0) {
            throw new HwSimException(where + ": target." + path + " = " + v + ": must be > 0");
        }
        return v;
    }

    private static int nonNegativeInt(String where, Config c, String path) {
        int v = c.getInt(path);
        if (v < 0) {
            throw new HwSimException(where + ": target." + path + " = " + v + ": must be >= 0");
        }
        return v;
    }

    private static double positiveDouble(String where, Config c, String path) {
        double v = c.getDouble(path);
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new HwSimException(where + ": target." + path + " = " + v + ": must be > 0");
        }
        return v;
    }

    private static double nonNegativeDouble(String where, Config c, String path) {
        double v = c.getDouble(path);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new HwSimException(where + ": target." + path + " = " + v + ": must be >= 0");
        }
        return v;
    }

    private static long positiveBytes(String where, Config c, String path) {
        long v;
        try {
            v = c.getBytes(path);
        } catch (ConfigException.BadValue e) {
            throw new HwSimException(where + ": target." + path + " = " + c.getValue(path).render()
                    + ": must be a size such as 64 KiB", e);
        }
        if (v <= 0) {
            throw new HwSimException(where + ": target." + path + " = " + v + " B: must be > 0");
        }
        return v;
    }
}
