package io.bitsweep.search.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * The allowed formats of the layers whose name matches {@code match} (a glob such as {@code conv_2d_*}).
 * Weight and activation formats are Number spec strings, BFP specs already expanded with their block sizes.
 */
public record LayerRule(String match, List<String> weights, Granularity granularity, List<String> activations) {
    public LayerRule {
        weights = List.copyOf(weights);
        activations = List.copyOf(activations);
    }

    public boolean matches(String layerName) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + match);
        return m.matches(Path.of(layerName));
    }
}
