package io.bitsweep.search.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The commands shown beside a front point: {@code eval} on the search's evaluation split (prints the accuracy the
 * archive holds; BestAssignmentsReproduceTest), {@code hwsim} on the search's target, and {@code export} to deploy
 * it. Built from the run's resolved config (run.json), with assets: locations written as $BITSWEEP_ASSETS/...
 */
final class ReproduceCommands {
    static final String LAUNCHER = "bin/bitsweep";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=,@%+$-]+");

    private final JsonNode config;
    private final String run;

    /**
     * @param config   the run's {@code bitsweep.search} block, as run.json records it
     * @param location the run directory (a Hadoop path; file: locations are shown as plain paths)
     */
    ReproduceCommands(JsonNode config, String location) {
        this.config = config;
        this.run = location.startsWith("file:") ? location.substring("file:".length()).replaceFirst("^//", "")
                : location;
    }

    ObjectNode forPoint(String id) {
        String assignment = run + "/best/" + id + ".json";
        ObjectNode out = JSON.createObjectNode();
        out.put("eval", eval(assignment));
        out.put("hwsim", line("hwsim", "--model", local("model"), "--target", target(), "--assignment", assignment));
        out.put("export", line("export", "--run", run, "--point", id, "--format", "c", "--out", "export-" + id));
        return out;
    }

    /**
     * eval on the search's samples: {@code --splits RUN/splits.json} (the ids every run since split selection
     * writes: stratified splits are no offset and count); a run from before (no {@code splits.selection} in its
     * config) by its ranges.
     */
    private String eval(String assignment) {
        JsonNode splits = config.path("splits");
        if (splits.has("selection")) {
            return line("eval", "--model", local("model"), "--data", local("data"), "--splits",
                    run + "/splits.json", "--assignment", assignment);
        }
        List<String> args = new ArrayList<>(List.of("--model", local("model"), "--data", local("data"),
                "--calibration-offset", splits.path("calibration").path("offset").asText("0"),
                "--calibration-samples", count(splits.path("calibration")),
                "--offset", splits.path("evaluation").path("offset").asText("0")));
        int evaluationCount = splits.path("evaluation").path("count").asInt(-1);
        if (evaluationCount >= 0) {
            args.add("--limit");
            args.add(Integer.toString(evaluationCount));
        }
        args.add("--assignment");
        args.add(assignment);
        return line("eval", args.toArray(String[]::new));
    }

    /**
     * A split's count; -1 (to the end) as the largest count eval takes without offset + count overflowing, which
     * eval clamps to the data set's size.
     */
    private static String count(JsonNode split) {
        int n = split.path("count").asInt(-1);
        return Integer.toString(n >= 0 ? n : Integer.MAX_VALUE - split.path("offset").asInt(0));
    }

    private String local(String key) {
        String location = config.path(key).asText("");
        return location.startsWith("assets:") ? "$BITSWEEP_ASSETS/" + location.substring("assets:".length())
                : location;
    }

    /** A shipped target by name (the default hw.dir), else the target file in the run's hw.dir. */
    private String target() {
        String name = config.path("hw").path("target").asText("");
        String dir = config.path("hw").path("dir").asText("conf/hw");
        return dir.equals("conf/hw") ? name : dir + "/" + name + ".conf";
    }

    private static String line(String command, String... args) {
        StringBuilder sb = new StringBuilder(LAUNCHER).append(' ').append(command);
        for (String a : args) {
            sb.append(' ').append(SHELL_SAFE.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
