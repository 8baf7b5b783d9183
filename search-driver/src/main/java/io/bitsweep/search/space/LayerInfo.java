package io.bitsweep.search.space;

import java.io.Serializable;

/**
 * A quantizable layer of the model, as the search sees it: its docs/MODELS.md name ({@code conv_2d_0}), its output
 * channels and the weights per output channel (kh*kw*Cin for conv, kh*kw for depthwise, in for FC).
 */
public record LayerInfo(String name, int outChannels, int weightsPerChannel) implements Serializable {
    public LayerInfo {
        if (outChannels < 1 || weightsPerChannel < 1) {
            throw new IllegalArgumentException(name + ": channels and weights per channel must be >= 1");
        }
    }
}
