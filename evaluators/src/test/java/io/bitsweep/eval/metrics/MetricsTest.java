package io.bitsweep.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bitsweep.eval.BitSweepException;
import org.junit.jupiter.api.Test;

/** Metrics against cases worked out by hand. */
class MetricsTest {

    @Test
    void accuracyCountsAndFormats() {
        Accuracy a = Accuracy.of(new int[] {1, 2, 3, 0}, new int[] {1, 2, 0, 0});
        assertEquals(new Accuracy(3, 4), a);
        assertEquals(0.75, a.value());
        assertEquals("accuracy: 0.8550 (171/200)", new Accuracy(171, 200).toString());
        assertEquals("accuracy: 0.7500 (6/8)", a.plus(a).toString());
    }

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        assertEquals(2, Accuracy.argmax(new float[] {0.1f, 0.3f, 0.5f, 0.1f}));
        assertEquals(1, Accuracy.argmax(new float[] {0f, 0.5f, 0.5f}));
    }

    @Test
    void aucWithoutTies() {
        // positives 0.8, 0.4; negatives 0.6, 0.2. Pairs (pos > neg): 0.8>0.6, 0.8>0.2, 0.4>0.2; 0.4<0.6 => 3/4
        assertEquals(0.75, RocAuc.of(new double[] {0.8, 0.6, 0.4, 0.2}, new int[] {1, 0, 1, 0}), 1e-15);
        assertEquals(1.0, RocAuc.of(new double[] {1, 2, 3}, new int[] {0, 1, 1}), 1e-15);
        assertEquals(0.0, RocAuc.of(new double[] {1, 2, 3}, new int[] {1, 0, 0}), 1e-15);
    }

    @Test
    void aucTiesCountHalf() {
        // scores: pos {0.5, 0.7}, neg {0.5, 0.3, 0.5}.
        // pairs: 0.7 beats all 3 -> 3; 0.5 vs 0.5, 0.3, 0.5 -> 0.5 + 1 + 0.5 = 2. AUC = 5 / 6.
        // by average ranks: sorted 0.3(1) 0.5 0.5 0.5 (2,3,4 -> 3) 0.7(5): R+ = 3 + 5 = 8; (8 - 3) / 6 = 5/6
        double auc = RocAuc.of(new double[] {0.5, 0.5, 0.3, 0.7, 0.5}, new int[] {1, 0, 0, 1, 0});
        assertEquals(5.0 / 6.0, auc, 1e-15);
        // all tied: chance
        assertEquals(0.5, RocAuc.of(new double[] {1, 1, 1, 1}, new int[] {1, 0, 1, 0}), 1e-15);
        assertEquals("auc: 0.8333", RocAuc.line(auc));
    }

    @Test
    void aucNeedsBothClasses() {
        BitSweepException e = assertThrows(BitSweepException.class,
                () -> RocAuc.of(new double[] {1, 2}, new int[] {1, 1}));
        assertEquals("ROC AUC needs both classes: 2 positive and 0 negative samples", e.getMessage());
    }

    @Test
    void anomalyScoreIsTheMeanOfWindowMse() {
        AnomalyScore s = new AnomalyScore();
        s.addWindow(new float[] {1, 2}, new float[] {1, 4}); // (0 + 4) / 2 = 2
        s.addWindow(new float[] {0, 0}, new float[] {3, 1}); // (9 + 1) / 2 = 5
        assertEquals(3.5, s.score(), 1e-15);
        assertEquals(Double.NaN, new AnomalyScore().score());
    }
}
