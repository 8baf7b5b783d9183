package io.bitsweep.search.space;

import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.search.config.GeneGranularity;
import java.io.Serializable;
import java.util.List;

/**
 * The choices for one layer and where they sit in the genome: {@code weightGenes} genes from {@code weightOffset}
 * (one per output channel, or one for the layer), then one activation gene at {@code activationGene}.
 * Gene values index {@code weights} and {@code activations}, parsed once when the space is built.
 */
public record LayerSpace(LayerInfo layer, List<NumberFormat> weights, GeneGranularity granularity,
                         List<NumberFormat> activations, int weightOffset, int weightGenes, int activationGene)
        implements Serializable {
    public LayerSpace {
        weights = List.copyOf(weights);
        activations = List.copyOf(activations);
    }

    /** The channels one weight gene covers: 1 per channel, else all of them. */
    public int channelsPerGene() {
        return granularity == GeneGranularity.PER_CHANNEL ? 1 : layer.outChannels();
    }
}
