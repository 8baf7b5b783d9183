package io.bitsweep.hwsim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A model as the simulator sees it: layers in execution order with shapes and number formats. Immutable. */
public final class Workload {
    private final String name;
    private final Layer[] layers;
    private final Map<String, Integer> index;

    public Workload(String name, List<Layer> layers) {
        this.name = name;
        this.layers = layers.toArray(new Layer[0]);
        this.index = new HashMap<>();
        for (int i = 0; i < this.layers.length; i++) {
            if (index.put(this.layers[i].name(), i) != null) {
                throw new HwSimException("workload " + name + ": duplicate layer name " + this.layers[i].name());
            }
        }
    }

    public String name() { return name; }
    public int size() { return layers.length; }
    public Layer layer(int i) { return layers[i]; }
    public List<Layer> layers() { return List.of(layers); }

    /** Index of the named layer, or -1. */
    public int indexOf(String layerName) {
        Integer i = index.get(layerName);
        return i == null ? -1 : i;
    }

    /** This workload with layer {@code i} replaced (same name required). */
    public Workload with(int i, Layer layer) {
        if (!layers[i].name().equals(layer.name())) {
            throw new HwSimException("workload " + name + ": replacing layer " + layers[i].name() + " by " + layer.name());
        }
        Layer[] copy = layers.clone();
        copy[i] = layer;
        return new Workload(name, List.of(copy));
    }

    /** Total MACs over all layers. */
    public long macs() {
        long m = 0;
        for (Layer l : layers) {
            long active = 0;
            for (int c = 0; c < l.outC() && l.op().hasWeights(); c++) {
                if (l.weightBits(c) > 0) {
                    active++;
                }
            }
            m += active * l.macsPerChannel();
        }
        return m;
    }
}
