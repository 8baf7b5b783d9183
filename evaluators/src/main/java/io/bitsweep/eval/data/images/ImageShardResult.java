package io.bitsweep.eval.data.images;

import java.io.Serializable;

/**
 * What a shard task reports: its file, sample count and sha256, and one line per skipped picture; or, under
 * {@link BadImages#ERROR}, the first bad picture as {@code error} (and no file). A bad picture is the user's data,
 * not a failed task: reported this way, Spark does not retry it and log its stack trace.
 */
public record ImageShardResult(int index, String file, int samples, String sha256, String[] skipped, String error)
        implements Serializable {
    static ImageShardResult failed(int index, String error) {
        return new ImageShardResult(index, null, 0, null, new String[0], error);
    }
}
