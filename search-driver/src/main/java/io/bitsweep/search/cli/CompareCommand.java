package io.bitsweep.search.cli;

import io.bitsweep.eval.io.AtomicFiles;
import io.bitsweep.search.report.CompareReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep compare RUN... [--out DIR] [--levels P,...] [--json]}: finished runs of one model and data set
 * side by side; the iso-accuracy table and the points matched on stdout, compare.html, compare.png and
 * iso-accuracy.csv in DIR.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare finished runs of the same model and data (e.g. channel-wise, layer-wise, BFP): their "
                + "fronts on the same axes (compare.html, compare.png) and the iso-accuracy table: for each accuracy "
                + "level, the least weight memory, cycles and energy each run reaches and its saving against the "
                + "first run (stdout and iso-accuracy.csv); then how many of the first run's front points each run "
                + "matches with a point at least as good in every objective.",
            "Runs of different models or data are refused, naming the sha256s."})
public final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "2..*", paramLabel = "RUN",
            description = "Run directories (paths or Hadoop FileSystem URIs) with front.csv; the first is the "
                    + "reference the savings are measured against.")
    List<String> runs;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where compare.html, compare.png and iso-accuracy.csv go (default: runs/compare-<time>).")
    Path out;

    @Option(names = "--levels", split = ",", paramLabel = "PERCENT",
            description = "Accuracy (or AUC) levels in percent, e.g. 88,86.5 (default: every accuracy a front point "
                    + "of any run has).")
    List<Double> levels = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON document (bitsweep.compare/1) instead of the table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Double> fractions = new ArrayList<>();
        for (double p : levels) {
            if (!(p >= 0 && p <= 100)) {
                throw UsageError.of(spec, "--levels: " + p + " is not a percentage in 0..100");
            }
            fractions.add(p / 100);
        }
        fractions.sort((a, b) -> Double.compare(b, a));
        CompareReport report = CompareReport.of(runs, fractions);
        Path dir = out != null ? out : Path.of("runs", "compare-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        AtomicFiles.writeString(dir.resolve("iso-accuracy.csv"), report.csv());
        byte[] png = report.png();
        AtomicFiles.write(dir.resolve("compare.png"), o -> o.write(png));
        AtomicFiles.writeString(dir.resolve("compare.html"), report.html());
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        report.targetWarning().ifPresent(w -> err.println("compare: warning: " + w));
        if (json) {
            var doc = report.json();
            doc.putObject("outputs").put("html", dir.resolve("compare.html").toString())
                    .put("png", dir.resolve("compare.png").toString())
                    .put("csv", dir.resolve("iso-accuracy.csv").toString());
            JsonOutput.print(stdout, doc);
        } else {
            stdout.print(report.text());
            stdout.println("wrote " + dir + "/{compare.html,compare.png,iso-accuracy.csv}");
        }
        stdout.flush();
        err.flush();
        return 0;
    }
}
