package io.bitsweep.search.loop;

import io.bitsweep.search.config.Objective;
import io.bitsweep.search.nsga.Candidate;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.Fronts;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.solver.QualityModel;
import io.bitsweep.search.space.Genome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Pre-screening: the children are ranked, with the archive, by NSGA-II's crowded comparison on their exact costs and
 * a predicted quality ({@link QualityModel} refitted on every candidate scored on the whole split so far), and the
 * first {@code n} are scored. A child predicted to be dominated by the archive is one racing would most likely stop
 * after spending samples on it; here it costs nothing. The model is refitted each generation, on the genomes in a
 * fixed order, so the same run gives the same choices on any cluster and after {@code --resume}.
 */
public final class PredictedScreen implements OffspringScreen {
    /** Fewer scored candidates than this give no fit worth trusting: the first children are scored unscreened. */
    static final int MIN_SCORED = 8;

    private final int factor;
    private final QualityModel.Features features;
    private final FitnessFunction fitness;
    private final Fronts fronts;
    private final List<Objective> objectives;

    public PredictedScreen(int factor, QualityModel.Features features, FitnessFunction fitness, Fronts fronts,
                           List<Objective> objectives) {
        this.factor = factor;
        this.features = features;
        this.fitness = fitness;
        this.fronts = fronts;
        this.objectives = List.copyOf(objectives);
    }

    @Override
    public int factor() {
        return factor;
    }

    @Override
    public Choice choose(List<Candidate> bred, int n, Map<Genome, Fitness> evaluated, ParetoArchive archive) {
        List<Map.Entry<Genome, Fitness>> complete = evaluated.entrySet().stream()
                .filter(e -> e.getValue().complete() && e.getValue().samples() > 0)
                .sorted(Comparator.comparing(e -> e.getKey().hex())).toList();
        // The screen ranks children near the front: fit where accuracy meets the constraint, when enough do. A
        // linear model fitted through collapsed candidates (a random genome at 40%) ranks the good region poorly.
        List<Map.Entry<Genome, Fitness>> acceptable = complete.stream()
                .filter(e -> e.getValue().quality() >= fitness.constraints().minQuality()).toList();
        List<Map.Entry<Genome, Fitness>> scored = acceptable.size() >= MIN_SCORED ? acceptable : complete;
        if (scored.size() < MIN_SCORED) {
            return new Choice(bred.subList(0, n), 0);
        }
        QualityModel model = features.fit(scored.stream().map(Map.Entry::getKey).toList(),
                scored.stream().mapToDouble(e -> e.getValue().quality()).toArray());
        List<Scored> children = new ArrayList<>();
        for (Candidate c : bred) {
            Fitness known = evaluated.get(c.genome());
            children.add(Scored.of(c, known != null ? known : fitness.predicted(c.genome(), model.predict(c.genome())), objectives));
        }
        List<Scored> union = new ArrayList<>(archive.points());
        union.addAll(children);
        Map<Scored, Fronts.Order> order = fronts.order(union);
        List<Scored> ranked = new ArrayList<>(children);
        ranked.sort(Fronts.byOrder(order)); // stable: equals keep breeding order
        return new Choice(ranked.subList(0, n).stream().map(Scored::candidate)
                .sorted(Comparator.comparingInt(Candidate::index)).toList(), bred.size());
    }
}
