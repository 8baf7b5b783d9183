package io.bitsweep.search.config;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;
import java.util.Arrays;
import java.util.stream.Collectors;

/** One search objective. All are minimised internally; quality metrics are turned into errors (1 - metric). */
public enum Objective {
    ACCURACY("accuracy", true),
    AUC("auc", true),
    WEIGHT_BITS("weight-bits", false),
    CYCLES("cycles", false),
    ENERGY("energy", false);

    private final String key;
    private final boolean quality;

    Objective(String key, boolean quality) {
        this.key = key;
        this.quality = quality;
    }

    /** The name used in configs, reports and Parquet column names (with '-' as '_'). */
    public String key() {
        return key;
    }

    /** True for accuracy and AUC: the metric users read as "higher is better". */
    public boolean isQuality() {
        return quality;
    }

    public static Objective parse(String s, String path) {
        for (Objective o : values()) {
            if (o.key.equals(s)) {
                return o;
            }
        }
        throw new BitSweepException(path + ": unknown objective " + InputText.quote(s) + " (allowed: "
                + Arrays.stream(values()).map(Objective::key).collect(Collectors.joining(", ")) + ")");
    }
}
