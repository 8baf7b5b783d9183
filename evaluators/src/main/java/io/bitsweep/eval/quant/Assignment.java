package io.bitsweep.eval.quant;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A quantization assignment ({@code bitsweep.assignment/1}, docs/ASSIGNMENT.md) as an immutable value: per layer,
 * the weight format of every output channel (one format for all, or one per channel) and the output activation
 * format; defaults for everything not named; and the {@link QuantSettings}. Formats are parsed values, so nothing
 * downstream parses a spec string again; {@link AssignmentJson} reads and writes the JSON form, and
 * {@link QuantPlan#resolve} checks an assignment against a model.
 */
public record Assignment(String modelSha256, NumberFormat defaultWeights, NumberFormat defaultActivations,
        Map<String, Layer> layers, QuantSettings settings) {

    private static final NumberFormat INT8 = NumberFormat.parse("int8");

    /**
     * One layer's entry: {@code weights} is null (the default), one format for the whole layer, or (with
     * {@code perChannel}) one per output channel; {@code activations} null means the default.
     */
    public record Layer(List<NumberFormat> weights, boolean perChannel, NumberFormat activations) {
        public Layer {
            weights = weights == null ? null : List.copyOf(weights);
        }
    }

    public Assignment {
        layers = Collections.unmodifiableMap(new LinkedHashMap<>(layers));
        Objects.requireNonNull(settings, "settings");
    }

    /** This assignment with other quantization settings. */
    public Assignment withSettings(QuantSettings s) {
        return new Assignment(modelSha256, defaultWeights, defaultActivations, layers, s);
    }

    /** Every layer with the same weight and activation formats, and the default settings. */
    public static Assignment uniform(NumberFormat weights, NumberFormat activations) {
        return new Assignment(null, weights, activations, Map.of(), QuantSettings.DEFAULT);
    }

    /**
     * A seeded random per-channel mix for benchmarks: every channel of every quantizable layer drawn from
     * int8 (30%), int4 (30%), int2 (35%) and pruned (5%); activations int8:asym.
     */
    public static Assignment randomMixed(Model model, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        NumberFormat pruned = NumberFormat.parse("pruned");
        NumberFormat int2 = NumberFormat.parse("int2");
        NumberFormat int4 = NumberFormat.parse("int4");
        Map<String, Layer> layers = new LinkedHashMap<>();
        for (Op op : model.quantizableLayers()) {
            List<NumberFormat> w = new ArrayList<>();
            for (int c = 0; c < model.outputChannels(op); c++) {
                double u = rnd.nextDouble();
                w.add(u < 0.05 ? pruned : u < 0.4 ? int2 : u < 0.7 ? int4 : INT8);
            }
            layers.put(op.name(), new Layer(w, true, null));
        }
        return new Assignment(null, INT8, NumberFormat.parse("int8:asym"), layers, QuantSettings.DEFAULT);
    }

    /** The forms {@link #parseUniform} takes, as error messages list them. */
    public static final String UNIFORM_FORMS = "w=SPEC,a=SPEC (either key may be left out: int8), SPEC (weights and "
            + "activations), or WEIGHTS,ACTIVATIONS; e.g. w=int4,a=int8:asym, int8, int4,int8";

    /**
     * Parses the one {@code --uniform} grammar every command takes: {@code w=int4,a=int8} (a key left out is int8),
     * {@code int8} (weights and activations), or {@code int4,int8} (weights, activations).
     */
    public static Assignment parseUniform(String spec) {
        String[] parts = spec.split(",", -1);
        boolean keyed = spec.contains("=");
        String w = "int8";
        String a = "int8";
        if (!keyed) {
            if (parts.length > 2 || Arrays.stream(parts).anyMatch(String::isBlank)) {
                throw new BitSweepException("--uniform '" + spec + "': expected " + UNIFORM_FORMS);
            }
            w = parts[0].trim();
            a = parts[parts.length - 1].trim();
        } else {
            for (String part : parts) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length != 2 || kv[1].isBlank()) {
                    throw new BitSweepException("--uniform '" + spec + "': '" + part + "' is not key=spec (a spec "
                            + "with w= or a= gives every part a key); expected " + UNIFORM_FORMS);
                }
                switch (kv[0].trim()) {
                    case "w" -> w = kv[1].trim();
                    case "a" -> a = kv[1].trim();
                    default -> throw new BitSweepException("--uniform '" + spec + "': unknown key '" + kv[0].trim()
                            + "' (allowed: w, a)");
                }
            }
        }
        return uniform(NumberFormat.parse(w, "--uniform weights"), NumberFormat.parse(a, "--uniform activations"));
    }
}
