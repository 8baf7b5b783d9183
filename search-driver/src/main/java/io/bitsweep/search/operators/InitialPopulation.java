package io.bitsweep.search.operators;

import io.bitsweep.eval.format.NumberFormat;
import io.bitsweep.eval.format.PrunedFormat;
import io.bitsweep.search.config.ScaleChoice;
import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.LayerSpace;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generation 0: the seeds a user gave ({@code init-from}), then the uniform baselines a user would try by hand (all
 * int8, all int4 weights, ... each also with power-of-two scales where the space allows them, and each activation
 * format), the same with first and last layer kept at the first (widest) format, then the solver's seeds (least
 * predicted loss under a sweep of budgets), then random genomes.
 */
public final class InitialPopulation {
    /** The origin of every solver seed starts with this. */
    public static final String SOLVER_ORIGIN = "solver:";

    private InitialPopulation() {}

    /** A genome and a short word on where it came from ("baseline:w=int4,a=int8", "random", "init:run/id"). */
    public record Seeded(Genome genome, String origin) {}

    /**
     * @param seeds       genomes that must be evaluated (a warm start): all of them are kept, even beyond the
     *                    population size (generation 0 then has one candidate per distinct seed); they take the random
     *                    genomes' slots
     * @param solverSeeds the solver's genomes: they follow the baselines and take random genomes' slots, never more
     *                    than there are
     */
    public static List<Seeded> create(SearchSpace space, SearchSettings settings, Draws draws, List<Seeded> seeds,
                                      List<Seeded> solverSeeds) {
        Map<Genome, String> chosen = new LinkedHashMap<>();
        seeds.forEach(s -> chosen.putIfAbsent(s.genome(), s.origin()));
        int size = Math.max(settings.population(), chosen.size());
        int baselineSlots = (int) Math.round(settings.population() * (1 - settings.variation().randomInitialShare()));
        int baselinesEnd = Math.min(size, chosen.size() + baselineSlots);
        for (Map.Entry<Genome, String> b : baselines(space).entrySet()) {
            if (chosen.size() >= baselinesEnd) {
                break;
            }
            chosen.putIfAbsent(b.getKey(), b.getValue());
        }
        for (Seeded s : solverSeeds) {
            if (chosen.size() >= size) {
                break;
            }
            chosen.putIfAbsent(s.genome(), s.origin());
        }
        List<Seeded> out = new ArrayList<>();
        chosen.forEach((g, o) -> out.add(new Seeded(g, o)));
        for (int attempt = 0; out.size() < size; attempt++) {
            Genome g = space.random(draws.stream(0, attempt, Draws.Purpose.INITIAL));
            if (chosen.putIfAbsent(g, "random") == null || attempt > 100 * size) {
                out.add(new Seeded(g, "random"));
            }
        }
        return out;
    }

    /** Baselines in the order they are worth keeping when there are fewer slots than baselines. */
    static Map<Genome, String> baselines(SearchSpace space) {
        Set<NumberFormat> weights = new LinkedHashSet<>();
        Set<NumberFormat> acts = new LinkedHashSet<>();
        for (LayerSpace ls : space.layers()) {
            weights.addAll(ls.weights());
            acts.addAll(ls.activations());
        }
        weights.removeIf(w -> w instanceof PrunedFormat);
        NumberFormat widestAct = space.layers().get(0).activations().get(0);
        Map<Genome, String> out = new LinkedHashMap<>();
        for (NumberFormat w : weights) {
            out.putIfAbsent(space.uniform(w, widestAct), "baseline:w=" + w + ",a=" + widestAct);
        }
        if (space.layers().stream().anyMatch(ls -> ls.scales().contains(ScaleChoice.POT))) {
            for (NumberFormat w : weights) {
                out.putIfAbsent(space.uniform(w, widestAct, ScaleChoice.POT), "baseline:w="
                        + ScaleChoice.POT.apply(w) + ",a=" + ScaleChoice.POT.apply(widestAct));
            }
        }
        for (NumberFormat a : acts) {
            NumberFormat w = space.layers().get(0).weights().get(0);
            out.putIfAbsent(space.uniform(w, a), "baseline:w=" + w + ",a=" + a);
        }
        for (NumberFormat w : weights) {
            out.putIfAbsent(keepEnds(space, space.uniform(w, widestAct)), "baseline:w=" + w + ",ends=first");
        }
        return out;
    }

    private static Genome keepEnds(SearchSpace space, Genome g) {
        byte[] genes = g.toBytes();
        for (LayerSpace ls : List.of(space.layers().get(0), space.layers().get(space.layers().size() - 1))) {
            Arrays.fill(genes, ls.weightOffset(), ls.weightOffset() + ls.weightGenes(), (byte) 0);
        }
        return Genome.wrap(genes);
    }
}
