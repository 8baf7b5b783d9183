package io.bitsweep.search.config;

/** Whether a layer's weight format is a gene per output channel or one gene for the whole layer. */
public enum GeneGranularity {
    PER_CHANNEL("per-channel"),
    PER_LAYER("per-layer");

    private final String key;

    GeneGranularity(String key) {
        this.key = key;
    }

    /** The word configs use. */
    public String key() {
        return key;
    }
}
