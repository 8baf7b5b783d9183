package io.bitsweep.eval.quant;

import io.bitsweep.eval.format.IntFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The table of quantized weight rows of one float model under one calibration split: for each (layer, integer
 * format, scale method, rounding) every output channel's row, computed the first time a candidate asks for it and
 * then only looked up. With per-output-channel formats a row depends only on its own weights, its format and the
 * layer's input statistics, never on the other channels or layers, so a search computes each (layer, channel,
 * format) once and a candidate's weights cost a copy, however costly the rounding method.
 *
 * <p>Where the rows are kept is the caller's choice ({@link Store}): a plain map for one {@code bitsweep eval}, a
 * bounded cache shared by the candidates of a search.
 */
public final class WeightRows {
    /**
     * What determines a layer's rows besides the model and the calibration split. {@code statistics}: whether they
     * were made with the layer's calibration statistics (and so carry output shifts and losses).
     */
    public record Key(String layer, String format, QuantSettings.WeightScales scales,
            QuantSettings.WeightRounding rounding, boolean statistics) implements Serializable {}

    /** Where rows live: returns the rows of {@code key}, computing them with {@code compute} if it has none. */
    public interface Store {
        QuantizedRows get(Key key, Function<Key, QuantizedRows> compute);
    }

    private final Model model;
    private final LayerInputStatistics statistics;
    private final Store store;

    private WeightRows(Model model, LayerInputStatistics statistics, Store store) {
        this.model = model;
        this.statistics = statistics;
        this.store = store;
    }

    /**
     * Rows of {@code model} kept in {@code store}, which must hold rows of this model and split only.
     *
     * @param statistics the calibration split's input statistics, or null if no setting needs them
     */
    public static WeightRows of(Model model, LayerInputStatistics statistics, Store store) {
        return new WeightRows(model, statistics, store);
    }

    /** Rows kept in a map for the life of this object (one assignment, or a tool quantizing a few). */
    public static WeightRows memoized(Model model, LayerInputStatistics statistics) {
        Map<Key, QuantizedRows> map = new ConcurrentHashMap<>();
        return new WeightRows(model, statistics, map::computeIfAbsent);
    }

    public Model model() {
        return model;
    }

    /** Whether these rows can serve {@code settings}: statistics are present if the settings need them. */
    public boolean serves(QuantSettings settings) {
        return statistics != null || !settings.needsInputStatistics();
    }

    /** The rows of {@code op} in {@code format} under {@code settings}' scale method and rounding. */
    QuantizedRows rows(Op op, IntFormat format, QuantSettings settings) {
        if (!serves(settings)) {
            throw new IllegalStateException("rows for " + settings + " need calibration statistics");
        }
        Key key = new Key(op.name(), format.spec(), settings.weightScales(), settings.weightRounding(),
                statistics != null);
        return store.get(key, k -> RowQuantizer.quantize(model, op, format, k.scales(), k.rounding(),
                statistics == null ? null : statistics.layer(op.name())));
    }
}
