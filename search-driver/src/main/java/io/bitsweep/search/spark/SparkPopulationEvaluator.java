package io.bitsweep.search.spark;

import io.bitsweep.search.PopulationEvaluator;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.space.Genome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Evaluates a population as one Spark job: the shards are an RDD with one partition per shard, loaded once and cached
 * on the executors; the model is broadcast once per run and the population once per generation; each task scores
 * every candidate on its shard and the tallies are reduced by candidate. Only the small tallies travel back.
 */
public final class SparkPopulationEvaluator<S> implements PopulationEvaluator {
    private final JavaSparkContext jsc;
    private final JavaRDD<S> shards;
    private final int shardCount;
    private final Broadcast<byte[]> model;
    private final ShardScorer<S> scorer;
    private final ProgressListener progress = new ProgressListener();

    public SparkPopulationEvaluator(JavaSparkContext jsc, ShardScorer<S> scorer, byte[] modelBytes, int shardCount) {
        this.jsc = jsc;
        this.scorer = scorer;
        this.shardCount = shardCount;
        this.model = jsc.broadcast(modelBytes);
        List<Integer> ids = IntStream.range(0, shardCount).boxed().toList();
        ShardScorer<S> sc = scorer;
        int n = shardCount;
        jsc.setJobDescription("load " + shardCount + " shards");
        this.shards = jsc.parallelize(ids, shardCount).map(i -> sc.loadShard(i, n)).persist(StorageLevel.MEMORY_ONLY());
        jsc.sc().addSparkListener(progress);
    }

    @Override
    public int shardCount() {
        return shardCount;
    }

    @Override
    public CandidateTally[] evaluate(int generation, Genome[] population, LongConsumer evaluationsDone) {
        String group = "bitsweep-gen-" + generation;
        jsc.setJobGroup(group, "gen " + generation + ": " + population.length + " candidates \u00d7 "
                + shardCount + " shards", false);
        Broadcast<Genome[]> pop = jsc.broadcast(population);
        progress.start(population.length, evaluationsDone);
        try {
            Broadcast<byte[]> m = model;
            ShardScorer<S> sc = scorer;
            JavaPairRDD<Integer, CandidateTally> tallies = shards.flatMapToPair(shard -> {
                CandidateTally[] t = sc.score(m.value(), shard, pop.value());
                List<Tuple2<Integer, CandidateTally>> out = new ArrayList<>(t.length);
                for (CandidateTally ct : t) {
                    out.add(new Tuple2<>(ct.candidate(), ct));
                }
                return out.iterator();
            });
            Map<Integer, CandidateTally> merged = tallies.reduceByKey(CandidateTally::merge, 1).collectAsMap();
            CandidateTally[] out = new CandidateTally[population.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = merged.get(i);
                if (out[i] == null) {
                    throw new IllegalStateException("no tally for candidate " + i + " of generation " + generation);
                }
            }
            return out;
        } finally {
            progress.stop();
            pop.destroy();
            jsc.clearJobGroup();
        }
    }

    @Override
    public void close() {
        shards.unpersist(false);
        model.destroy();
        jsc.sc().removeSparkListener(progress);
    }

    /** Counts candidate x shard evaluations as the scoring tasks finish (the listener bus runs on its own thread). */
    private static final class ProgressListener extends SparkListener {
        private volatile int candidatesPerTask;
        private volatile LongConsumer sink;

        void start(int candidates, LongConsumer sink) {
            this.candidatesPerTask = candidates;
            this.sink = sink;
        }

        void stop() {
            this.sink = null;
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            LongConsumer s = sink;
            if (s != null && "ShuffleMapTask".equals(end.taskType()) && end.taskInfo().successful()) {
                s.accept(candidatesPerTask);
            }
        }
    }
}
