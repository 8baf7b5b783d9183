package io.bitsweep.search.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bitsweep.eval.BitSweepException;
import io.bitsweep.eval.Choices;
import io.bitsweep.eval.data.Dataset;
import io.bitsweep.eval.data.Datasets;
import io.bitsweep.eval.data.SampleSubset;
import io.bitsweep.eval.engine.exact.Arithmetic;
import io.bitsweep.eval.engine.exact.ExactOptions;
import io.bitsweep.eval.engine.exact.ProgramSpec;
import io.bitsweep.eval.export.ExportDirectory;
import io.bitsweep.eval.export.ExportedModel;
import io.bitsweep.eval.export.c.CExporter;
import io.bitsweep.eval.export.tflite.TfliteExporter;
import io.bitsweep.eval.importers.ModelFiles;
import io.bitsweep.eval.model.Model;
import io.bitsweep.eval.quant.Assignment;
import io.bitsweep.eval.quant.AssignmentJson;
import io.bitsweep.eval.quant.Quantizer;
import io.bitsweep.search.data.SearchData;
import io.bitsweep.search.splits.SampleSplits;
import io.bitsweep.search.store.RunStore;
import io.bitsweep.search.store.SplitsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bitsweep export}: writes a model as it runs on the exact engine, quantized by an assignment, uniformly, or
 * a front point of a finished run, as a deployable artifact (docs/EXPORT.md) that computes the engine's bytes. The
 * files go to a temp directory beside {@code --out} and are renamed into place ({@link ExportDirectory}).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a model, quantized by an assignment, uniformly or as a run's front point, as a "
                + "deployable artifact that computes the exact engine's bytes (docs/EXPORT.md).")
public final class ExportCommand implements Callable<Integer> {
    /** The artifacts export writes. */
    enum Format {
        /** A self-contained C99 library with a Makefile and a .npy harness (eval.export.c). */
        C,
        /** A .tflite flatbuffer with int8 tensors (eval.export.tflite). */
        TFLITE
    }

    private static final Pattern POINT_ID = Pattern.compile("[A-Za-z0-9_.-]+");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE",
            description = EvalCommand.MODEL_DESCRIPTION + " Without --assignment/--uniform/--run an int8 .tflite "
                    + "model is exported as it is. With --run: default the run's model.")
    Path model;

    @Option(names = "--assignment", paramLabel = "A.json", description = EvalCommand.ASSIGNMENT_DESCRIPTION
            + " Needs --data to calibrate on.")
    Path assignment;

    @Option(names = "--uniform", paramLabel = "w=SPEC,a=SPEC",
            description = "Quantize the float model uniformly: w=SPEC,a=SPEC, SPEC for both, or WEIGHTS,ACTIVATIONS "
                    + "(the grammar of eval and hwsim). Needs --data to calibrate on.")
    String uniform;

    @Option(names = "--run", paramLabel = "RUN",
            description = "A finished search's run directory: export its front point --point, calibrated as the "
                    + "search did (its model, data and splits.json's calibration samples).")
    String run;

    @Option(names = "--point", paramLabel = "ID", description = "With --run: the front point's id (best/<ID>.json).")
    String point;

    @Option(names = "--data", paramLabel = "DIR|SHARDS",
            description = "Calibration data for --assignment/--uniform: " + EvalCommand.DATA_DESCRIPTION)
    Path data;

    @Option(names = "--calibration-offset", paramLabel = "N", defaultValue = "0",
            description = "First calibration sample of --data (default: ${DEFAULT-VALUE}), as in eval.")
    int calibrationOffset;

    @Option(names = "--calibration-samples", paramLabel = "N", defaultValue = "32",
            description = "Calibration samples of --data (default: ${DEFAULT-VALUE}), as in eval.")
    int calibrationSamples;

    @Option(names = "--format", required = true, paramLabel = "c|tflite",
            description = "What to write (allowed: c: a C99 library, Makefile and bitsweep_run harness; tflite: "
                    + TfliteExporter.FILE + ", int8 tensors, for TFLite and TFLite Micro).")
    String format;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "The directory to write; it must not exist or be empty unless --force.")
    Path out;

    @Option(names = "--force", description = "Replace a non-empty --out (the old one is removed only once the new "
            + "one is in place).")
    boolean force;

    @Option(names = "--arithmetic", paramLabel = "tflite-2.6|tflite-micro",
            description = "Whose int8 arithmetic the artifact computes, as eval --arithmetic: tflite-2.6 or "
                    + "tflite-micro (default: the assignment's, else tflite-2.6).")
    String arithmetic;

    @Override
    public Integer call() {
        Format f = OptionValues.choice(spec, Format.class, format, "--format");
        Arithmetic profile = arithmetic == null ? null
                : OptionValues.choice(spec, Arithmetic.class, arithmetic, "--arithmetic");
        checkSources();
        ExportDirectory.checkWritable(out, force);
        Map<String, String> provenance = new LinkedHashMap<>();
        ProgramSpec program = run != null ? fromRun(profile, provenance) : program(profile, provenance);
        ExportedModel exported = switch (f) {
            case C -> CExporter.export(program, provenance);
            case TFLITE -> TfliteExporter.export(program, provenance);
        };
        if (f == Format.TFLITE) { // only for what was exported: a refusal stays the one line
            TfliteExporter.roundingDifference(program).ifPresent(note ->
                    spec.commandLine().getErr().println("export: warning: " + note));
        }
        ExportDirectory.write(out, exported.files(), force);
        for (ExportedModel.Layer l : exported.layers()) {
            spec.commandLine().getErr().printf(Locale.ROOT, "export: %s: %d channels, %d pruned, %d pruned inputs "
                    + "dropped, %d weight bytes%n", l.name(), l.channels(), l.prunedChannels(), l.droppedInputs(),
                    l.weightBytes());
        }
        spec.commandLine().getOut().printf(Locale.ROOT,
                "export: %s in %s: %d files, weight bytes %d, bias bytes %d, table bytes %d, arena bytes %d, %s "
                        + "arithmetic%n", Choices.word(f), out, exported.files().size(), exported.weightBytes(),
                exported.biasBytes(), exported.tableBytes(), exported.arenaBytes(),
                Choices.word(program.options().arithmetic()));
        return 0;
    }

    /** Exactly one of --assignment, --uniform, --run (or none: an int8 model as it is), with what each needs. */
    private void checkSources() {
        int given = (assignment != null ? 1 : 0) + (uniform != null ? 1 : 0) + (run != null ? 1 : 0);
        if (given > 1) {
            throw UsageError.of(spec, "give one of --assignment, --uniform or --run");
        }
        if ((run == null) != (point == null)) {
            throw UsageError.of(spec, "--run and --point go together (--point: a front point's id, best/<ID>.json)");
        }
        if (run == null && model == null) {
            throw UsageError.of(spec, "--model is required (or --run with --point)");
        }
        if (run == null && (assignment != null || uniform != null) && data == null) {
            throw UsageError.of(spec, "--assignment and --uniform quantize the float model: give --data to "
                    + "calibrate on");
        }
        if (given == 0 && data != null) {
            throw UsageError.of(spec, "--data calibrates a model quantized by --assignment or --uniform (an int8 "
                    + "model is exported as it is)");
        }
        for (String option : List.of("--data", "--calibration-offset", "--calibration-samples")) {
            if (run != null && spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw UsageError.of(spec, "--run calibrates on the run's own data and splits: do not give " + option);
            }
        }
        if (calibrationSamples < 1) {
            throw UsageError.of(spec, "--calibration-samples must be at least 1, got " + calibrationSamples);
        }
    }

    /** The int8 model as it is, or the float model quantized by --assignment / --uniform on --data. */
    private ProgramSpec program(Arithmetic profile, Map<String, String> provenance) {
        requireFile(model, "--model");
        Model m = ModelFiles.load(model);
        provenance.put("model", model.getFileName().toString());
        provenance.put("model_sha256", m.sha256());
        if (assignment == null && uniform == null) {
            return ProgramSpec.of(m, ExactOptions.of(profile == null ? Arithmetic.DEFAULT : profile));
        }
        Assignment a;
        String source;
        if (assignment != null) {
            requireFile(assignment, "--assignment");
            AssignmentJson.Document doc = AssignmentJson.readDocument(assignment);
            a = doc.assignment();
            source = assignment.toString();
            provenance.put("assignment", assignment.getFileName().toString());
            doc.provenance().forEach((k, v) -> provenance.putIfAbsent(k, v));
        } else {
            a = OptionValues.uniform(spec, uniform);
            source = "--uniform";
            provenance.put("uniform", uniform);
        }
        Dataset calibration = Datasets.open(data);
        if (calibrationOffset < 0 || calibrationOffset >= calibration.size()) {
            throw new BitSweepException("--calibration-offset must be in 0.." + (calibration.size() - 1) + ", got "
                    + calibrationOffset);
        }
        provenance.put("calibration", String.format(Locale.ROOT, "samples %d..%d of %s (data sha256 %s)",
                calibrationOffset, Math.min(calibrationOffset + calibrationSamples, calibration.size()) - 1,
                data.getFileName(), calibration.sha256()));
        return quantize(m, a, profile, source, calibration, calibrationOffset, calibrationSamples);
    }

    /**
     * Front point --point of the finished run --run: its best/&lt;id&gt;.json, calibrated on the run's data at
     * splits.json's calibration ids, as {@code eval --splits} and the search do.
     */
    private ProgramSpec fromRun(Arithmetic profile, Map<String, String> provenance) {
        if (!POINT_ID.matcher(point).matches()) {
            throw new BitSweepException("--point '" + point + "' is not a front point id (letters, digits, '_', "
                    + "'.', '-'; the ids of front.csv)");
        }
        RunStore store = RunStore.at(run, new Configuration());
        if (!store.exists(RunStore.RUN_JSON)) {
            throw new BitSweepException(run + " is not a BitSweep run directory: no run.json");
        }
        String best = "best/" + point + ".json";
        if (!store.exists(best)) {
            throw new BitSweepException(run + " has no front point " + point + " (no " + best + "; the ids are in "
                    + "front.csv)");
        }
        JsonNode manifest = json(store.readText(RunStore.RUN_JSON), run + "/" + RunStore.RUN_JSON);
        JsonNode config = manifest.path("config").path("bitsweep").path("search");
        String modelLocation = model != null ? model.toString()
                : SearchData.resolve(config.path("model").asText(""), "run.json config model");
        Path modelPath = Path.of(modelLocation);
        requireFile(modelPath, "--model");
        Model m = ModelFiles.load(modelPath);
        AssignmentJson.Document doc = AssignmentJson.parseDocument(store.readText(best), run + "/" + best);
        String data = SearchData.resolve(config.path("data").asText(""), "run.json config data");
        Dataset whole = SearchData.open(data);
        if (!whole.sha256().equals(manifest.path("sha256").path("data").asText(whole.sha256()))) {
            throw new BitSweepException(run + ": the run's data " + data + " has sha256 " + whole.sha256()
                    + ", not the run's " + manifest.path("sha256").path("data").asText());
        }
        SampleSplits splits = SplitsFile.read(store.readText(SplitsFile.NAME), run + "/" + SplitsFile.NAME);
        provenance.put("model", modelPath.getFileName().toString());
        provenance.put("model_sha256", m.sha256());
        provenance.put("run", store.location());
        provenance.put("point", point);
        doc.provenance().forEach((k, v) -> provenance.putIfAbsent(k, v));
        provenance.put("calibration", splits.calibrationSize() + " samples of splits.json's calibration ids");
        return quantize(m, doc.assignment(), profile, run + "/" + best, new SampleSubset(whole, splits.calibration()),
                0, splits.calibrationSize());
    }

    private static ProgramSpec quantize(Model m, Assignment a, Arithmetic profile, String source, Dataset calibration,
            int offset, int samples) {
        Assignment withProfile = profile == null ? a : a.withSettings(a.settings().withArithmetic(profile));
        return Quantizer.quantize(m, withProfile, source, calibration, offset, samples);
    }

    private static void requireFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new BitSweepException(option + " " + file + ": no such file");
        }
    }

    private static JsonNode json(String text, String file) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new BitSweepException(file + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + ")", e);
        }
    }
}
