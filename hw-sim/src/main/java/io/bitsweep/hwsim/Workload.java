package io.bitsweep.hwsim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as the simulator sees it: layers in execution order with shapes and number formats. Immutable.
 *
 * <p>It also knows where the model requantizes ({@link #requantPoints(int)}): that depends on a layer's neighbour
 * when a layer's output is fused into the residual ADD that follows it ({@link Requantization#fusedWithNextAdd()}).
 * Such a pair must be adjacent, in this order, with the ADD of the layer's output shape; the ADD is then done by the
 * layer's output stage ({@link #addDoneByPreviousLayer(int)}).
 */
public final class Workload {
    private final String name;
    private final Layer[] layers;
    private final Map<String, Integer> index;
    private final boolean[] addDoneByPrevious;
    private final List<List<RequantPoint>> requantPoints;

    public Workload(String name, List<Layer> layers) {
        this.name = name;
        this.layers = layers.toArray(new Layer[0]);
        this.index = new HashMap<>();
        for (int i = 0; i < this.layers.length; i++) {
            if (index.put(this.layers[i].name(), i) != null) {
                throw new HwSimException("workload " + name + ": duplicate layer name " + this.layers[i].name());
            }
        }
        this.addDoneByPrevious = new boolean[this.layers.length];
        for (int i = 0; i < this.layers.length; i++) {
            if (this.layers[i].requantization().fusedWithNextAdd()) {
                checkFusedAdd(i);
                addDoneByPrevious[i + 1] = true;
            }
        }
        this.requantPoints = new ArrayList<>(this.layers.length);
        for (int i = 0; i < this.layers.length; i++) {
            requantPoints.add(pointsOf(this.layers[i], addDoneByPrevious[i]));
        }
    }

    private void checkFusedAdd(int i) {
        Layer l = layers[i];
        Layer next = i + 1 < layers.length ? layers[i + 1] : null;
        boolean ok = next != null && next.op() == OpKind.ADD && next.outH() == l.outH() && next.outW() == l.outW()
                && next.outC() == l.outC();
        if (!ok) {
            throw new HwSimException("workload " + name + ": layer " + l.name() + " is fused with the next add, so"
                    + " the next layer must be an add of its output shape " + l.outH() + "x" + l.outW() + "x"
                    + l.outC() + " (got " + (next == null ? "none" : next.toString()) + ")");
        }
    }

    /**
     * The requantization points of a layer: an unfused conv/depthwise/FC requantizes the outputs of its unpruned
     * channels (pruned ones output the zero point); a TFLite ADD rescales each of its two inputs and requantizes its
     * output; a layer fused with the next ADD aligns the shortcut into its accumulator and requantizes the sum, for
     * every channel (the shortcut passes through pruned ones); that ADD and pools have none.
     */
    private static List<RequantPoint> pointsOf(Layer l, boolean doneByPrevious) {
        Requantization r = l.requantization();
        long elements = (long) l.outH() * l.outW() * l.outC();
        List<RequantPoint> points = new ArrayList<>(3);
        switch (l.op()) {
            case ADD -> {
                if (!doneByPrevious) {
                    points.add(new RequantPoint(RequantPoint.Kind.ADD_INPUT, r.form(), elements, r.accumulatorBits()));
                    points.add(new RequantPoint(RequantPoint.Kind.ADD_INPUT, r.form(), elements, r.accumulatorBits()));
                    points.add(new RequantPoint(RequantPoint.Kind.OUTPUT, r.form(), elements, r.accumulatorBits()));
                }
            }
            case POOL -> { }
            default -> {
                if (r.fusedWithNextAdd()) {
                    points.add(new RequantPoint(RequantPoint.Kind.SHORTCUT, r.form(), elements, r.accumulatorBits()));
                    points.add(new RequantPoint(RequantPoint.Kind.OUTPUT, r.form(), elements, r.accumulatorBits()));
                } else {
                    long active = l.outputPositions() * l.activeChannels();
                    if (active > 0) {
                        points.add(new RequantPoint(RequantPoint.Kind.OUTPUT, r.form(), active, r.accumulatorBits()));
                    }
                }
            }
        }
        return List.copyOf(points);
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

    /** True if layer {@code i} is an ADD done by the output stage of the layer before it (which is fused with it). */
    public boolean addDoneByPreviousLayer(int i) {
        return addDoneByPrevious[i];
    }

    /** The requantization points of layer {@code i}, in the order its data flows through them. */
    public List<RequantPoint> requantPoints(int i) {
        return requantPoints.get(i);
    }

    /** Number of requantization points over all layers. */
    public int requantPointCount() {
        int n = 0;
        for (List<RequantPoint> p : requantPoints) {
            n += p.size();
        }
        return n;
    }

    /** Elements requantized over all layers and points (an element rescaled at two points counts twice). */
    public long requantizedElements() {
        long n = 0;
        for (List<RequantPoint> points : requantPoints) {
            for (RequantPoint p : points) {
                n += p.elements();
            }
        }
        return n;
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
            m += l.activeChannels() * l.macsPerChannel();
        }
        return m;
    }
}
