package io.bitsweep.search.loop;

import io.bitsweep.search.config.SearchSettings;
import io.bitsweep.search.nsga.Candidate;
import io.bitsweep.search.nsga.Fitness;
import io.bitsweep.search.nsga.Fronts;
import io.bitsweep.search.nsga.ParetoArchive;
import io.bitsweep.search.nsga.Scored;
import io.bitsweep.search.operators.Draws;
import io.bitsweep.search.operators.InitialPopulation;
import io.bitsweep.search.operators.VariationOperators;
import io.bitsweep.search.space.Genome;
import io.bitsweep.search.space.SearchSpace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The NSGA-II generation loop, and nothing else: it neither knows Spark nor the run store. Generation 0 is the seeded
 * initial population; every later generation makes {@code population} children by binary tournament, crossover and
 * mutation, has the new genomes scored in one batch by a {@link CandidateScoring} (every sample, or a Pareto race over
 * stages, each stage one evaluation by a {@link PopulationEvaluator}), keeps the best
 * {@code population} of parents and children, and merges the children into the global archive. Each generation
 * returns an immutable {@link GenerationResult}; listeners record it (the run store) and show it (the CLI). Every
 * random draw comes from (seed, generation, index), so the same seed gives the same results on any evaluator.
 */
public final class GenerationLoop {
    /** How many fresh draws a child gets before a genome seen before is accepted (and its fitness reused). */
    private static final int DUPLICATE_RETRIES = 8;

    private final SearchSettings settings;
    private final SearchSpace space;
    private final Fronts fronts;
    private final CandidateScoring scoring;
    private final OffspringScreen screen;
    private final List<InitialPopulation.Seeded> seeds;
    private final List<InitialPopulation.Seeded> solverSeeds;
    private final SearchListener listener;
    private final VariationOperators variation;
    private final Draws draws;
    private final GenerationSummary.Context context;

    private final Map<Genome, Fitness> evaluated;
    private final List<Double> hypervolumes;
    private List<Scored> population;
    private ParetoArchive archive;
    private int next;

    /**
     * @param screen      which bred children are scored ({@link OffspringScreen#NONE}: all)
     * @param seeds       genomes generation 0 must hold (a warm start), ahead of the baselines
     * @param solverSeeds genomes generation 0 holds after the baselines (the solver's, {@link InitialPopulation})
     * @param start       where to start: {@link LoopState#initial()}, or a resumed run's state
     * @param context     what each generation's summary line shows besides the generation's own figures
     */
    public GenerationLoop(SearchSettings settings, SearchSpace space, Fronts fronts, CandidateScoring scoring,
                          OffspringScreen screen, List<InitialPopulation.Seeded> seeds, List<InitialPopulation.Seeded> solverSeeds,
                          LoopState start, GenerationSummary.Context context, SearchListener listener) {
        this.settings = settings;
        this.space = space;
        this.fronts = fronts;
        this.scoring = scoring;
        this.screen = screen;
        this.seeds = List.copyOf(seeds);
        this.solverSeeds = List.copyOf(solverSeeds);
        this.listener = listener;
        this.variation = new VariationOperators(space, settings.variation());
        this.draws = new Draws(settings.seed());
        this.context = context;
        this.evaluated = new HashMap<>(start.evaluated());
        this.hypervolumes = new ArrayList<>(start.hypervolumes());
        this.population = start.population();
        this.archive = start.archive();
        this.next = start.nextGeneration();
    }

    /** True while generations remain of the {@code generations} the settings ask for. */
    public boolean hasNext() {
        return next < settings.generations();
    }

    /** Runs every remaining generation; returns the final state. */
    public LoopState runAll() {
        while (hasNext()) {
            next();
        }
        return state();
    }

    public LoopState state() {
        return new LoopState(next, evaluated, population, archive, hypervolumes);
    }

    /** Runs the next generation. */
    public GenerationResult next() {
        int g = next;
        long t0 = System.nanoTime();
        OffspringScreen.Choice choice = g == 0 ? new OffspringScreen.Choice(initial(), 0) : offspring(g);
        List<Candidate> children = choice.children();
        Map<Genome, Integer> fresh = new LinkedHashMap<>();
        for (Candidate c : children) {
            if (!evaluated.containsKey(c.genome())) {
                fresh.putIfAbsent(c.genome(), fresh.size());
            }
        }
        Genome[] batch = fresh.keySet().toArray(Genome[]::new);
        CandidateScoring.Outcome scored = scoring.score(g, settings.generations(), batch, archive, listener);
        for (int i = 0; i < batch.length; i++) {
            evaluated.put(batch[i], scored.fitness()[i]);
        }
        List<Scored> scoredChildren = new ArrayList<>();
        for (Candidate c : children) {
            scoredChildren.add(Scored.of(c, evaluated.get(c.genome()), settings.objectives()));
        }
        List<Scored> union = new ArrayList<>(population);
        union.addAll(scoredChildren);
        population = fronts.select(union, settings.population());
        archive = archive.update(scoredChildren, fronts, settings.archiveMaxSize(),
                settings.archiveTruncation() == SearchSettings.ArchiveTruncation.HYPERVOLUME);
        double hv = fronts.hypervolume(archive.points());
        hypervolumes.add(hv);
        next = g + 1;
        GenerationSummary summary = new GenerationSummary(g, settings.generations(), batch.length,
                children.size() - batch.length, choice.screenedFrom(), archive.size(), hv, bestByBudget(), scored.sampleEvaluations(),
                scored.sampleEvaluationsSaved(), solverSeedsInArchive(), (System.nanoTime() - t0) / 1e9, context);
        GenerationResult result = new GenerationResult(g, scoredChildren, fresh.keySet(), population, archive, hv,
                summary);
        listener.generationFinished(result);
        return result;
    }

    private List<Candidate> initial() {
        List<Candidate> out = new ArrayList<>();
        List<InitialPopulation.Seeded> seeded = InitialPopulation.create(space, settings, draws, seeds, solverSeeds);
        for (int i = 0; i < seeded.size(); i++) {
            out.add(new Candidate(Candidate.id(0, i), 0, i, seeded.get(i).genome(), seeded.get(i).origin(), null, null));
        }
        return out;
    }

    /**
     * The population's worth of children: {@code screen.factor()} times as many are bred (the first population's
     * worth exactly the children of an unscreened search) and the screen chooses among them.
     */
    private OffspringScreen.Choice offspring(int g) {
        Map<Scored, Fronts.Order> order = fronts.order(population);
        int n = settings.population();
        int bred = n * screen.factor();
        List<Candidate> out = new ArrayList<>(bred);
        Set<Genome> taken = new HashSet<>();
        for (int i = 0; i < bred; i++) {
            Candidate child = null;
            for (int attempt = 0; attempt <= DUPLICATE_RETRIES; attempt++) {
                int stream = i + attempt * bred;
                SplittableRandom sel = draws.stream(g, stream, Draws.Purpose.SELECTION);
                Scored a = tournament(order, sel);
                Scored b = tournament(order, sel);
                Genome genome = variation.mutate(
                        variation.crossover(a.candidate().genome(), b.candidate().genome(),
                                draws.stream(g, stream, Draws.Purpose.CROSSOVER)),
                        draws.stream(g, stream, Draws.Purpose.MUTATION));
                child = new Candidate(Candidate.id(g, i), g, i, genome, "offspring", a.id(), b.id());
                if (!evaluated.containsKey(genome) && !taken.contains(genome)) {
                    break;
                }
            }
            taken.add(child.genome());
            out.add(child);
        }
        OffspringScreen.Choice chosen = screen.choose(out, n, evaluated, archive);
        List<Candidate> numbered = new ArrayList<>(n);
        for (Candidate c : chosen.children()) {
            numbered.add(new Candidate(Candidate.id(g, numbered.size()), g, numbered.size(), c.genome(), c.origin(),
                    c.parentA(), c.parentB()));
        }
        return new OffspringScreen.Choice(numbered, chosen.screenedFrom());
    }

    /** Binary tournament on (rank, crowding distance), NSGA-II's crowded comparison. */
    private Scored tournament(Map<Scored, Fronts.Order> order, SplittableRandom rnd) {
        Scored a = population.get(rnd.nextInt(population.size()));
        Scored b = population.get(rnd.nextInt(population.size()));
        return Fronts.byOrder(order).compare(a, b) <= 0 ? a : b;
    }

    private int solverSeedsInArchive() {
        return (int) archive.points().stream()
                .filter(s -> s.candidate().origin().startsWith(InitialPopulation.SOLVER_ORIGIN)).count();
    }

    private List<GenerationSummary.BudgetBest> bestByBudget() {
        List<GenerationSummary.BudgetBest> out = new ArrayList<>();
        for (long b : context.reportBudgets()) {
            double best = archive.points().stream().filter(s -> s.fitness().memoryBytes() <= b)
                    .mapToDouble(s -> s.fitness().quality()).max().orElse(Double.NaN);
            out.add(new GenerationSummary.BudgetBest(b, best));
        }
        return out;
    }
}
