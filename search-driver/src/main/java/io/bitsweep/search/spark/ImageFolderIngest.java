package io.bitsweep.search.spark;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.data.images.ImageFolderConversion;
import io.bitsweep.eval.data.images.ImageShardResult;
import io.bitsweep.eval.data.images.ImageShardTask;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bitsweep data convert --from image-folder} on Spark: one task per shard, so pictures are read, decoded and
 * resized on the executors and each writes its shard file straight into the conversion's temp directory; only the
 * small results come back. The plan rides in the task closure, which Spark broadcasts once per stage. The input
 * folder and the output's parent must be on a file system every executor sees (one machine, or a shared mount).
 */
public final class ImageFolderIngest {
    private ImageFolderIngest() {}

    public static ImageFolderConversion.Result run(SparkSession spark, ImageFolderConversion conversion) {
        List<ImageShardTask> tasks = conversion.tasks();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> shards = IntStream.range(0, tasks.size()).boxed().toList();
        List<ImageShardResult> results;
        try {
            results = jsc.parallelize(shards, tasks.size()).map(new RunShard(tasks)).collect();
        } catch (Exception e) { // a SparkException, which Scala throws unchecked
            throw badInputOf(e);
        }
        return conversion.finish(results);
    }

    /**
     * A bad picture under {@code --bad-images error} fails its task; Spark retries it and then aborts the job with a
     * SparkException whose cause chain holds the task's exception, which is what the user must see, in one line.
     */
    private static RuntimeException badInputOf(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BitSweepException b) {
                return b;
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException("the conversion job failed: "
                + e.getMessage(), e);
    }

    /** Runs shard task {@code k} of the plan on an executor. */
    private record RunShard(List<ImageShardTask> tasks) implements Function<Integer, ImageShardResult> {
        @Override
        public ImageShardResult call(Integer k) {
            return tasks.get(k).run();
        }
    }
}
