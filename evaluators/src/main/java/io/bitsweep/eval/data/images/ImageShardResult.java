package io.bitsweep.eval.data.images;

import java.io.Serializable;

/** What a shard task reports: its file, sample count and sha256, and one line per skipped picture. */
public record ImageShardResult(int index, String file, int samples, String sha256, String[] skipped)
        implements Serializable {}
