package io.bitsweep.eval.export.c;

import io.bitsweep.eval.model.Model;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each activation buffer lives in the one static arena: a buffer is live from the step that writes it to
 * the last step that reads it (the model input from the start, the model output to the end), and buffers whose
 * lives overlap never share bytes. Placed greedily, largest first, each at the lowest offset free for its whole
 * life. The arena ends with the scratch of one unpacked weight channel.
 */
final class ArenaPlan {
    private record Buffer(int tensor, int bytes, int first, int last) {}

    private record Placed(Buffer buffer, int offset) {}

    private final Map<Integer, Integer> offsets = new LinkedHashMap<>();
    private final int activationBytes;
    private final int scratchBytes;

    ArenaPlan(Model model, Schedule schedule, int scratchBytes) {
        Map<Integer, int[]> life = new HashMap<>();
        life.put(schedule.input(), new int[] {-1, -1});
        List<Schedule.Step> steps = schedule.steps();
        for (int s = 0; s < steps.size(); s++) {
            for (int t : steps.get(s).inputs()) {
                life.get(t)[1] = s;
            }
            life.put(steps.get(s).output(), new int[] {s, s});
        }
        life.get(schedule.output())[1] = steps.size();
        List<Buffer> buffers = new ArrayList<>();
        life.forEach((t, l) -> buffers.add(new Buffer(t, (int) model.tensor(t).elementCount(), l[0], l[1])));
        buffers.sort(Comparator.comparingInt(Buffer::bytes).reversed().thenComparingInt(Buffer::first));
        List<Placed> placed = new ArrayList<>();
        int end = 0;
        for (Buffer b : buffers) {
            int offset = 0;
            boolean moved = true;
            while (moved) {
                moved = false;
                for (Placed p : placed) {
                    boolean together = p.buffer().first() <= b.last() && b.first() <= p.buffer().last();
                    boolean overlap = offset < p.offset() + p.buffer().bytes() && p.offset() < offset + b.bytes();
                    if (together && overlap) {
                        offset = p.offset() + p.buffer().bytes();
                        moved = true;
                    }
                }
            }
            placed.add(new Placed(b, offset));
            offsets.put(b.tensor(), offset);
            end = Math.max(end, offset + b.bytes());
        }
        this.activationBytes = end;
        this.scratchBytes = scratchBytes;
    }

    /** The arena offset of a buffer (a tensor that is not an alias). */
    int offset(int tensor) {
        Integer o = offsets.get(tensor);
        if (o == null) {
            throw new IllegalArgumentException("tensor " + tensor + " has no buffer");
        }
        return o;
    }

    int scratchOffset() {
        return activationBytes;
    }

    /** Bytes of the arena: the activations' peak plus the weight scratch. */
    int size() {
        return activationBytes + scratchBytes;
    }
}
