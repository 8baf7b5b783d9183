package io.bitsweep.search.solver;

import io.bitsweep.search.sensitivity.SensitivityProfile;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.SearchSpace;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * A genome's quality predicted from the solver's additive loss model ({@link LossTerms}), refitted on scored
 * candidates: quality = a + sum over layers of b_l x_l, where x_l is the loss the profile predicts for layer l's
 * genes (weights and activations) at the genome's formats. The profile measures loss on its own samples, one layer
 * at a time; the fit turns loss into the search's metric and lets each layer weigh what its interactions showed.
 * Each b_l is drawn toward the slope one shared coefficient fits (ridge), so a layer few scored genomes vary stays
 * near it.
 */
public final class QualityModel {
    /** The ridge's pull: as much as this many average observations per layer. */
    private static final double PRIOR_OBSERVATIONS = 8;

    private final Features features;
    private final double intercept;
    private final double[] slopes;

    private QualityModel(Features features, double intercept, double[] slopes) {
        this.features = features;
        this.intercept = intercept;
        this.slopes = slopes;
    }

    /** The predicted quality of a genome. */
    public double predict(Genome genome) {
        double[] x = features.of(genome);
        double q = intercept;
        for (int l = 0; l < x.length; l++) {
            q += slopes[l] * x[l];
        }
        return q;
    }

    /** Per layer, the profile's predicted loss of a genome's formats there. */
    public static final class Features {
        private final SearchSpace space;
        private final LossTerms terms;

        private Features(SearchSpace space, LossTerms terms) {
            this.space = space;
            this.terms = terms;
        }

        public static Features of(SearchSpace space, SensitivityProfile profile) {
            return new Features(space, LossTerms.of(space, profile));
        }

        double[] of(Genome genome) {
            double[] x = new double[space.layers().size()];
            for (int l = 0; l < x.length; l++) {
                x[l] = terms.layer(space, l, genome);
            }
            return x;
        }

        /**
         * The model fitted to scored genomes (at least 2), in the order given: the same genomes in the same order
         * give the same model.
         */
        public QualityModel fit(List<Genome> genomes, double[] quality) {
            int n = genomes.size();
            int layers = space.layers().size();
            double[][] x = new double[n][];
            double[] total = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = of(genomes.get(i));
                for (double v : x[i]) {
                    total[i] += v;
                }
            }
            double shared = slope(total, quality);
            // Normal equations of [1, x] with the ridge (b_l - shared)^2 * lambda on the slopes only.
            DMatrixRMaj a = new DMatrixRMaj(layers + 1, layers + 1);
            DMatrixRMaj rhs = new DMatrixRMaj(layers + 1, 1);
            double energy = 0;
            for (int i = 0; i < n; i++) {
                for (int r = 0; r <= layers; r++) {
                    double xr = r == 0 ? 1 : x[i][r - 1];
                    rhs.add(r, 0, xr * quality[i]);
                    for (int c = 0; c <= layers; c++) {
                        a.add(r, c, xr * (c == 0 ? 1 : x[i][c - 1]));
                    }
                }
                for (double v : x[i]) {
                    energy += v * v;
                }
            }
            double lambda = Math.max(PRIOR_OBSERVATIONS * energy / ((double) n * layers), 1e-12);
            for (int l = 1; l <= layers; l++) {
                a.add(l, l, lambda);
                rhs.add(l, 0, lambda * shared);
            }
            DMatrixRMaj b = new DMatrixRMaj(layers + 1, 1);
            if (!CommonOps_DDRM.solve(a, rhs, b)) {
                throw new IllegalStateException("the ridge's normal equations are positive definite");
            }
            double[] slopes = new double[layers];
            for (int l = 0; l < layers; l++) {
                slopes[l] = b.get(l + 1, 0);
            }
            return new QualityModel(this, b.get(0, 0), slopes);
        }
    }

    /** The least-squares slope of y on x; 0 when x does not vary. */
    private static double slope(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxx > 0 ? sxy / sxx : 0;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return v.length == 0 ? 0 : s / v.length;
    }
}
