package io.bitsweep.search.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bitsweep.eval.assets.Assets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The docs' commands against the code (docs/CLI.md "Doc commands are tested"): every {@code bitsweep} command line in
 * a fenced block of README.md and docs/*.md parses with the real command line; those that only print and whose files
 * exist here also run, and print the output their trailing comment promises. And every doc file (name.md) that a
 * source, config or doc names exists.
 */
class DocCommandsTest {
    static final Path REPO = Path.of(System.getProperty("bitsweep.repo", ".."));
    /** Commands run when their files exist: they only print. */
    static final Set<String> RUNNABLE = Set.of("eval", "inspect", "hwsim");
    /** Options that write files: such a command is parsed, not run. */
    static final Set<String> WRITES = Set.of("--save-outputs", "--save-inputs", "--csv", "--out");
    static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
    static final Pattern ASSIGN = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)=(\\S+)$");
    static final Pattern EXPECTED = Pattern.compile("^((?:accuracy|auc): [0-9.]+(?: \\(\\d+/\\d+\\))?)");

    /** One documented command: where it is, its words (variables substituted) and the output its comment names. */
    record DocCommand(String where, List<String> args, String expected) {}

    static List<Path> docs() throws IOException {
        List<Path> out = new ArrayList<>(List.of(REPO.resolve("README.md")));
        try (Stream<Path> files = Files.list(REPO.resolve("docs"))) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    static List<DocCommand> commands() throws IOException {
        List<DocCommand> out = new ArrayList<>();
        for (Path doc : docs()) {
            List<String> lines = Files.readAllLines(doc);
            boolean fenced = false;
            Map<String, String> vars = new HashMap<>(Map.of(Assets.ENV, Assets.dir().toString()));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.strip().startsWith("```")) {
                    fenced = !fenced;
                    continue;
                }
                if (!fenced) {
                    continue;
                }
                int first = i;
                StringBuilder cmd = new StringBuilder(line.strip());
                while (cmd.toString().endsWith("\\") && i + 1 < lines.size()) {
                    cmd.setLength(cmd.length() - 1);
                    cmd.append(' ').append(lines.get(++i).strip());
                }
                String text = cmd.toString().replaceFirst("^\\$ ", "");
                Matcher assign = ASSIGN.matcher(text);
                if (assign.matches()) {
                    vars.put(assign.group(1), substitute(assign.group(2), vars));
                    continue;
                }
                if (!text.startsWith("bin/bitsweep ") && !text.startsWith("bitsweep ")) {
                    continue;
                }
                String comment = "";
                int hash = commentStart(text);
                if (hash >= 0) {
                    comment = text.substring(hash + 1).strip();
                    text = text.substring(0, hash);
                }
                text = text.split("&&|\\|")[0];
                List<String> words = words(substitute(text, vars));
                Matcher expected = EXPECTED.matcher(comment);
                out.add(new DocCommand(REPO.relativize(doc) + ":" + (first + 1), words.subList(1, words.size()),
                        expected.find() ? expected.group(1) : null));
            }
        }
        return out;
    }

    @Test
    void everyDocumentedCommandParsesAndThosePracticalRun() throws IOException {
        List<DocCommand> all = commands();
        assertTrue(all.size() > 30, "found only " + all.size() + " commands");
        List<String> failures = new ArrayList<>();
        int ran = 0;
        for (DocCommand c : all) {
            if (c.args().stream().anyMatch(a -> a.startsWith("["))) {
                continue; // a synopsis ([--option ...] | ...), not a command
            }
            try {
                BitSweepCli.commandLine().parseArgs(c.args().toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                failures.add(c.where() + ": " + e.getMessage() + " in: bitsweep " + String.join(" ", c.args()));
                continue;
            }
            if (runnable(c)) {
                ran++;
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                CommandLine cl = BitSweepCli.commandLine();
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                int code = cl.execute(c.args().toArray(String[]::new));
                if (code != 0) {
                    failures.add(c.where() + ": exit " + code + ": " + err.toString().strip());
                } else if (c.expected() != null && !out.toString().strip().equals(c.expected())) {
                    failures.add(c.where() + ": printed '" + out.toString().strip() + "', the doc says '"
                            + c.expected() + "'");
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(ran >= 8, "ran only " + ran + " documented commands");
    }

    /** A doc file (name.md) named anywhere in sources, configs, scripts or docs is a file of the repository. */
    @Test
    void everyNamedDocExists() throws IOException {
        Pattern doc = Pattern.compile("\\b([A-Z][A-Z0-9-]*)\\.md\\b");
        Set<String> external = Set.of("LICENSE"); // a file of the MLPerf Tiny assets (conf/assets/mlperf-tiny.tsv)
        List<String> missing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(REPO)) {
            for (Path f : files.filter(DocCommandsTest::scanned).toList()) {
                Matcher m = doc.matcher(Files.readString(f));
                while (m.find()) {
                    String name = m.group(1);
                    boolean exists = Files.exists(REPO.resolve("docs/" + name + ".md"))
                            || Files.exists(REPO.resolve(name + ".md"));
                    if (!exists && !external.contains(name)) {
                        missing.add(REPO.relativize(f) + " names " + name + ".md");
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    private static boolean scanned(Path f) {
        String s = REPO.relativize(f).toString();
        return Files.isRegularFile(f) && !s.contains("target/") && !s.startsWith(".git") && !s.startsWith(".mvn")
                && s.matches(".*\\.(java|md|conf|py|sh|properties|js|ipynb)$|\\.ci/run|bin/.*");
    }

    private static boolean runnable(DocCommand c) {
        List<String> a = c.args();
        if (a.isEmpty() || !RUNNABLE.contains(a.get(0)) || a.stream().anyMatch(WRITES::contains)) {
            return false;
        }
        for (int i = 1; i < a.size(); i++) {
            String w = a.get(i);
            if (w.contains("<") || (i > 0 && Set.of("--model", "--data", "--assignment").contains(a.get(i - 1))
                    && !Files.exists(Path.of(w)))) {
                return false;
            }
        }
        return true;
    }

    private static String substitute(String text, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(vars.getOrDefault(m.group(1), m.group())));
        }
        return m.appendTail(sb).toString();
    }

    /** The index of a '#' that starts a shell comment (outside quotes, after a blank), or -1. */
    private static int commentStart(String text) {
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && i > 0 && Character.isWhitespace(text.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }

    /** Shell words: blanks separate, quotes group and are removed. */
    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            out.add(w.toString());
        }
        return out;
    }
}
