package io.bitsweep.search.config;

import io.bitsweep.eval.format.NumberFormat;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * The allowed formats of the layers whose name matches {@code match} (a glob such as {@code conv_2d_*}), in the
 * config's order (widest first by convention), BFP formats already expanded with their block sizes, and the allowed
 * scale choices (more than one makes the choice a gene of the layer).
 */
public record LayerRule(String match, List<NumberFormat> weights, GeneGranularity granularity,
                        List<NumberFormat> activations, List<ScaleChoice> scales) {
    public LayerRule {
        weights = List.copyOf(weights);
        activations = List.copyOf(activations);
        scales = List.copyOf(scales);
    }

    public boolean matches(String layerName) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + match);
        return m.matches(Path.of(layerName));
    }
}
