package io.bitsweep.search.nsga;

import io.bitsweep.search.config.Objective;
import java.util.List;

/** Maps a fitness to the minimised objectives, and back to the values users read. */
public final class ObjectiveVector {
    private ObjectiveVector() {}

    public static double[] of(List<Objective> objectives, Fitness e) {
        double[] v = new double[objectives.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (objectives.get(i)) {
                case ACCURACY, AUC -> 1 - e.quality();
                case WEIGHT_BITS -> e.weightBits();
                case CYCLES -> e.cycles();
                case ENERGY -> e.energyPj();
            };
        }
        return v;
    }
}
