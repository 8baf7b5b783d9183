package io.bitsweep.search.space;

import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.search.config.GeneGranularity;
import io.bitsweep.search.config.ScaleChoice;
import java.io.Serializable;
import java.util.List;

/**
 * The choices for one layer and where they sit in the genome: {@code weightGenes} genes from {@code weightOffset}
 * (one per output channel, or one for the layer), then one activation gene at {@code activationGene}, then, if the
 * layer may choose its scales ({@code scales} has more than one entry), one scale gene at {@code scaleGene} (else
 * -1: the layer always takes {@code scales[0]}). Gene values index {@code weights}, {@code activations} and
 * {@code scales}, parsed once when the space is built; the scale choice then applies to the formats
 * ({@link ScaleChoice#apply}).
 */
public record LayerSpace(LayerInfo layer, List<NumberFormat> weights, GeneGranularity granularity,
                         List<NumberFormat> activations, List<ScaleChoice> scales, int weightOffset, int weightGenes,
                         int activationGene, int scaleGene) implements Serializable {
    public LayerSpace {
        weights = List.copyOf(weights);
        activations = List.copyOf(activations);
        scales = List.copyOf(scales);
    }

    /** The channels one weight gene covers: 1 per channel, else all of them. */
    public int channelsPerGene() {
        return granularity == GeneGranularity.PER_CHANNEL ? 1 : layer.outChannels();
    }

    /** The layer's last gene: its scale gene if it has one, else its activation gene. */
    public int lastGene() {
        return scaleGene >= 0 ? scaleGene : activationGene;
    }

    /** The layer's scale choice in a genome. */
    public ScaleChoice scale(Genome g) {
        return scaleGene < 0 ? scales.get(0) : scales.get(g.gene(scaleGene));
    }
}
