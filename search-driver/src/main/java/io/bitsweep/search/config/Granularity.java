package io.bitsweep.search.config;

/** Whether a layer's weight format is chosen per output channel or once for the whole layer. */
public enum Granularity {
    PER_CHANNEL("per-channel"),
    PER_LAYER("per-layer");

    private final String key;

    Granularity(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
