package io.bitsweep.search.store;

import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The assignments named by {@code init-from}: a run directory stands for its front (every {@code best/<id>.json}
 * that its front.csv lists, in that order), any other location for one assignment JSON file.
 */
public final class SeedAssignments {
    /** One assignment and a short name for where it came from, e.g. {@code ic-layerwise/g00011-0027}. */
    public record Seed(String source, Assignment assignment) {}

    private SeedAssignments() {}

    public static List<Seed> read(List<String> locations, Configuration conf) {
        List<Seed> out = new ArrayList<>();
        for (String location : locations) {
            RunStore run = RunStore.at(location, conf);
            if (run.exists("front.csv")) {
                String runName = lastSegment(run.location());
                for (String id : frontIds(run.readText("front.csv"), location)) {
                    String file = "best/" + id + ".json";
                    out.add(new Seed(runName + "/" + id,
                            AssignmentJson.parse(run.readText(file), location + "/" + file)));
                }
            } else {
                out.add(new Seed(lastSegment(run.location()), AssignmentJson.parse(readFile(location, conf), location)));
            }
        }
        return out;
    }

    private static List<String> frontIds(String frontCsv, String location) {
        List<String> ids = new ArrayList<>();
        String[] lines = frontCsv.split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].isBlank()) {
                ids.add(lines[i].substring(0, lines[i].indexOf(',')));
            }
        }
        if (ids.isEmpty()) {
            throw new BitSweepException("init-from: " + location + "/front.csv lists no front points");
        }
        return ids;
    }

    private static String readFile(String location, Configuration conf) {
        Path file = RunStore.path(location);
        try {
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file) || !fs.getFileStatus(file).isFile()) {
                throw new BitSweepException("init-from: " + location
                        + " is neither a run directory with a front.csv nor an assignment JSON file");
            }
            try (InputStream in = fs.open(file)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new BitSweepException("init-from: cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    private static String lastSegment(String location) {
        String trimmed = location.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
