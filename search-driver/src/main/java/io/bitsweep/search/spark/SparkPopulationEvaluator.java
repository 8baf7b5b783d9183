package io.bitsweep.search.spark;

import io.bitsweep.search.loop.PopulationEvaluator;
import io.bitsweep.search.problem.CandidateTally;
import io.bitsweep.search.problem.SampleRange;
import io.bitsweep.search.problem.ShardScorer;
import io.bitsweep.search.space.Genome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Evaluates a population as one Spark job: the shards are an RDD with one partition per shard, loaded once and cached
 * on the executors (as their samples' raw bytes, see {@link io.bitsweep.search.problem.ShardScorer}); the model is broadcast once per run and the population once per generation; each task scores
 * every candidate on its shard and the tallies are reduced by candidate. Only the small tallies travel back.
 */
public final class SparkPopulationEvaluator<S> implements PopulationEvaluator {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkPopulationEvaluator.class);
    private final JavaSparkContext jsc;
    private final JavaRDD<S> shards;
    private final boolean ownsShards;
    private final int shardCount;
    private final Broadcast<byte[]> model;
    private final ShardScorer<S> scorer;
    private final ProgressListener progress;
    private final LongAccumulator scoringNanos;

    /**
     * @param shared where loaded shards are kept across searches (a sweep), or null: this evaluator loads its own
     *               and unpersists them when it closes
     */
    public SparkPopulationEvaluator(JavaSparkContext jsc, ShardScorer<S> scorer, byte[] modelBytes, int shardCount,
                                    SharedShards shared) {
        this.jsc = jsc;
        this.scorer = scorer;
        this.shardCount = shardCount;
        this.model = jsc.broadcast(modelBytes);
        String key = scorer.shardSetKey();
        this.ownsShards = shared == null || key == null;
        this.shards = ownsShards ? load(jsc, scorer, shardCount) : shared.get(key, shardCount,
                () -> load(jsc, scorer, shardCount));
        this.progress = new ProgressListener(jsc.sc().longAccumulator("bitsweep candidate evaluations"));
        this.scoringNanos = jsc.sc().longAccumulator("bitsweep scoring nanoseconds");
        jsc.sc().addSparkListener(progress);
    }

    private static <S> JavaRDD<S> load(JavaSparkContext jsc, ShardScorer<S> scorer, int shardCount) {
        List<Integer> ids = IntStream.range(0, shardCount).boxed().toList();
        ShardScorer<S> sc = scorer;
        int n = shardCount;
        jsc.setJobDescription("load " + shardCount + " shards");
        // MEMORY_ONLY: a shard is already compact (raw sample bytes, one array per sample; Spark's size estimate of an
        // ic01 shard is 3,107 bytes per 3,072-byte sample, docs/DATA.md), so a serialized level would save about 1%
        // and add a Kryo copy of the shard to every task. A shard that does not fit in
        // storage memory is not cached and is read again when a task needs it: one front-to-back pass over the few
        // shard files its run of samples covers. Spilling to local disk instead (MEMORY_AND_DISK) would serialize it
        // through Kryo, which requires every class registered, for a read not cheaper than the shard file's own.
        return jsc.parallelize(ids, shardCount).map(i -> sc.loadShard(i, n)).persist(StorageLevel.MEMORY_ONLY());
    }

    @Override
    public int shardCount() {
        return shardCount;
    }

    @Override
    public CandidateTally[] evaluate(String job, Genome[] population, SampleRange positions,
                                     LongConsumer evaluationsDone) {
        String group = "bitsweep-" + job.replace(' ', '-').replace('/', '-');
        jsc.setJobGroup(group, job + ": " + population.length + " candidates \u00d7 " + shardCount + " shards, "
                + positions.size() + (positions.size() == 1 ? " sample" : " samples"), false);
        Broadcast<Genome[]> pop = jsc.broadcast(population);
        progress.start(evaluationsDone);
        long start = System.nanoTime();
        long scoringBefore = scoringNanos.value();
        try {
            Broadcast<byte[]> m = model;
            ShardScorer<S> sc = scorer;
            LongAccumulator done = progress.accumulator;
            LongAccumulator scoring = scoringNanos;
            JavaPairRDD<Integer, CandidateTally> tallies = shards.flatMapToPair(shard -> {
                long t0 = System.nanoTime();
                CandidateTally[] t = sc.score(m.value(), shard, pop.value(), positions, () -> done.add(1));
                scoring.add(System.nanoTime() - t0);
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
                    throw new IllegalStateException("no tally for candidate " + i + " of " + job);
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double run = progress.executorRunMillis() / 1e3;
            double scored = (scoringNanos.value() - scoringBefore) / 1e9;
            LOG.info(String.format(Locale.ROOT, "%s: %d candidates x %d shards (%d samples) in %.1f s; executor time "
                    + "%.1f s, %.1f s of it scoring candidates (%.1f%%); %s", job, population.length, shardCount,
                    positions.size(), wall, run, scored, run > 0 ? 100 * scored / run : 0, cachedShards()));
            return out;
        } finally {
            progress.stop();
            pop.destroy();
            jsc.clearJobGroup();
        }
    }

    /**
     * How many shards the executors keep in memory and their size there (Spark's estimate, which its storage memory
     * accounts by), for the log: fewer than all means the rest are read again from the data for each job.
     */
    private String cachedShards() {
        for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
            if (info.id() == shards.id()) {
                return String.format(Locale.ROOT, "%d of %d shards cached, %.1f MB", info.numCachedPartitions(),
                        shardCount, info.memSize() / 1e6);
            }
        }
        return "0 of " + shardCount + " shards cached";
    }

    @Override
    public void close() {
        if (ownsShards) {
            shards.unpersist(false);
        }
        model.destroy();
        jsc.sc().removeSparkListener(progress);
    }

    /**
     * Counts candidate x shard evaluations while tasks run: each task adds 1 to an accumulator per candidate, and the
     * executors' heartbeats ({@code spark.executor.heartbeatInterval}) carry the running tasks' counts to the driver.
     * The listener bus calls this on its own thread.
     */
    private static final class ProgressListener extends SparkListener {
        final LongAccumulator accumulator;
        private final Map<Long, Long> perTask = new HashMap<>();
        private long reported;
        private long executorRunMillis;
        private LongConsumer sink;

        ProgressListener(LongAccumulator accumulator) {
            this.accumulator = accumulator;
        }

        synchronized void start(LongConsumer sink) {
            this.perTask.clear();
            this.reported = 0;
            this.executorRunMillis = 0;
            this.sink = sink;
        }

        /**
         * Executor time of the tasks that ended since {@link #start} (Spark task metrics: deserialization, run and
         * result serialization), the denominator of the scoring share the evaluator logs.
         */
        synchronized long executorRunMillis() {
            return executorRunMillis;
        }

        synchronized void stop() {
            this.sink = null;
        }

        @Override
        public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
            for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> t
                    : CollectionConverters.asJava(update.accumUpdates())) {
                for (AccumulableInfo info : CollectionConverters.asJava(t._4())) {
                    if (info.id() == accumulator.id() && info.update().isDefined()) {
                        perTask.merge((Long) t._1(), ((Number) info.update().get()).longValue(), Math::max);
                    }
                }
            }
            report();
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
            if (sink != null && end.taskMetrics() != null) {
                executorRunMillis += end.taskMetrics().executorDeserializeTime()
                        + end.taskMetrics().executorRunTime() + end.taskMetrics().resultSerializationTime();
            }
            if (end.taskInfo().successful()) {
                for (AccumulableInfo info : CollectionConverters.asJava(end.taskInfo().accumulables())) {
                    if (info.id() == accumulator.id() && info.update().isDefined()) {
                        perTask.merge(end.taskInfo().taskId(), ((Number) info.update().get()).longValue(), Math::max);
                    }
                }
            }
            report();
        }

        private void report() {
            long total = perTask.values().stream().mapToLong(Long::longValue).sum();
            if (sink != null && total > reported) {
                sink.accept(total - reported);
                reported = total;
            }
        }
    }
}
