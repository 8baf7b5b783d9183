package io.bitsweep.search.simulated;

import io.bitsweep.eval.format.BlockFormat;
import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.PrunedFormat;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.model.Op;
import io.bitsweep.eval.model.OpOptions;
import io.bitsweep.eval.model.Tensor;
import io.bitsweep.hwsim.ActivationStats;
import io.bitsweep.hwsim.Layer;
import io.bitsweep.hwsim.SimulationReport;
import io.bitsweep.hwsim.Target;
import io.bitsweep.hwsim.Workload;
import io.bitsweep.search.problem.CostModel;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.List;

/**
 * Costs a candidate with hw-sim: the model becomes a {@link Workload} (conv, depthwise, FC, add and pooling layers
 * with their shapes), each quantizable layer gets the candidate's per-channel weight bits and activation bits, and
 * the target simulates it. Weight memory comes from the number formats' packed sizes (scales and shared exponents
 * included).
 */
public final class HwCostModel implements CostModel {
    private final SearchSpace space;
    private final Target target;
    private final Workload base;
    private final int[] workloadIndex;

    public HwCostModel(Model model, SearchSpace space, Target target) {
        this.space = space;
        this.target = target;
        this.base = workload(model);
        this.workloadIndex = new int[space.layers().size()];
        for (int l = 0; l < workloadIndex.length; l++) {
            workloadIndex[l] = base.indexOf(space.layers().get(l).layer().name());
        }
    }

    /** The weight memory of the target, 0 if it has no limit. */
    public long weightCapacityBytes() {
        return target.simulate(base).footprint().weightCapacityBytes();
    }

    @Override
    public Costs costs(Genome genome, long[] activationStats) {
        Workload w = base;
        double weightBits = 0;
        int inBits = 8;
        for (int l = 0; l < space.layers().size(); l++) {
            LayerSpace ls = space.layers().get(l);
            int channels = ls.layer().outChannels();
            int[] bits = new int[channels];
            NumberFormat blockFormat = null;
            for (int c = 0; c < channels; c++) {
                NumberFormat f = NumberFormat.parse(space.weightFormat(genome, l, c), ls.layer().name());
                bits[c] = f instanceof PrunedFormat ? 0 : f.elementBits();
                if (f instanceof BlockFormat) {
                    blockFormat = f;
                }
                weightBits += f.packedBits(WeightQuantizer.layout(f, ls.layer().weightsPerChannel()));
            }
            NumberFormat act = NumberFormat.parse(space.activationFormat(genome, l), ls.layer().name());
            Layer layer = w.layer(workloadIndex[l]).withWeightBits(bits).withActivationBits(inBits, act.elementBits());
            if (blockFormat instanceof BlockFormat b) {
                layer = layer.withBfp(b.blockSize(), 0, b.scaleBits());
            }
            w = w.with(workloadIndex[l], layer);
            inBits = act.elementBits();
        }
        SimulationReport r = target.simulate(w, ActivationStats.NONE, false);
        return new Costs(weightBits, (long) Math.ceil(weightBits / 8), r.totalCycles(), r.energyPj());
    }

    static Workload workload(Model model) {
        List<Layer> layers = new ArrayList<>();
        for (Op op : model.ops()) {
            Tensor out = model.output(op);
            switch (op.type()) {
                case CONV_2D -> {
                    int[] in = model.input(op, 0).shape();
                    int[] wt = model.weights(op).shape();
                    layers.add(Layer.conv(op.name(), in[1], in[2], in[3], wt[1], wt[2], out.dim(1), out.dim(2), wt[0]));
                }
                case DEPTHWISE_CONV_2D -> {
                    int[] in = model.input(op, 0).shape();
                    int[] wt = model.weights(op).shape();
                    layers.add(Layer.depthwise(op.name(), in[1], in[2], in[3], wt[1], wt[2], out.dim(1), out.dim(2)));
                }
                case FULLY_CONNECTED -> {
                    int[] wt = model.weights(op).shape();
                    layers.add(Layer.fc(op.name(), wt[1], wt[0]));
                }
                case ADD -> {
                    if (out.rank() == 4) {
                        layers.add(Layer.add(op.name(), out.dim(1), out.dim(2), out.dim(3)));
                    }
                }
                case AVERAGE_POOL_2D, MAX_POOL_2D -> {
                    int[] in = model.input(op, 0).shape();
                    OpOptions.Pool p = (OpOptions.Pool) op.options();
                    layers.add(Layer.pool(op.name(), in[1], in[2], in[3], p.filterH(), p.filterW(), out.dim(1),
                            out.dim(2)));
                }
                default -> { } // reshape, softmax, (de)quantize: no cost model in hw-sim
            }
        }
        return new Workload(model.source(), layers);
    }
}
