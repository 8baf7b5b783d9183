package io.bitsweep.eval.data;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.InputText;

/** Finds the {@link SampleLayout} a shard file or manifest names: a fixed task, or an image layout and its spec. */
public final class SampleLayouts {
    private SampleLayouts() {}

    /**
     * @param task  the recorded task name
     * @param spec  the recorded layout spec (null for the fixed tasks, which need none)
     * @param where the file, for errors
     */
    public static SampleLayout of(String task, String spec, String where) {
        if (ImageLayout.TASK.equals(task)) {
            return ImageLayout.parse(spec, where);
        }
        try {
            return TinyLayout.valueOf(String.valueOf(task));
        } catch (IllegalArgumentException e) {
            throw new BitSweepException(where + ": unknown task " + (task == null ? null : InputText.quote(task))
                    + " (allowed: " + names() + ")");
        }
    }

    /** The task names, for "allowed: ..." in errors. */
    public static String names() {
        return TinyLayout.names() + ", " + ImageLayout.TASK;
    }
}
