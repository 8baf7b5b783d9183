package io.bitsweep.eval.export;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an exporter produced: the files (name to bytes, in the order they are listed), and the sizes it reports.
 *
 * @param weightBytes packed weight codes plus each channel's requantization parameters (C) or the int8 weight
 *     bytes and their scales (TFLite): what the search's weight-memory objective counts, plus the overhead
 *     docs/EXPORT.md lists
 * @param biasBytes int32 biases (the objective does not count them)
 * @param tableBytes per-channel width tables, live-input lists and softmax tables (C only)
 * @param arenaBytes the static arena of activations and scratch (C only; 0 for TFLite)
 * @param layers one entry per weight layer: name, channels, pruned channels, weight bytes
 */
public record ExportedModel(Map<String, byte[]> files, long weightBytes, long biasBytes, long tableBytes,
        long arenaBytes, List<Layer> layers) {

    /** One weight layer as exported. */
    public record Layer(String name, int channels, int prunedChannels, int droppedInputs, long weightBytes) {}

    public ExportedModel {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        layers = List.copyOf(layers);
    }
}
