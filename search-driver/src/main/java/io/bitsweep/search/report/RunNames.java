package io.bitsweep.search.report;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How runs are named in comparisons: by their directory's name, or parent/name where two share a name (as
 * notebooks/bitsweep_runs.py's load_runs names them). Local paths are made absolute first; URIs by their path.
 */
final class RunNames {
    private RunNames() {}

    static List<String> of(List<String> locations) {
        List<Path> paths = locations.stream().map(RunNames::path).toList();
        List<String> names = paths.stream().map(RunNames::name).toList();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            String n = names.get(i);
            out.add(Collections.frequency(names, n) == 1 ? n : name(paths.get(i).getParent()) + "/" + n);
        }
        return out;
    }

    private static Path path(String location) {
        return location.contains("://") ? Path.of(URI.create(location).getPath())
                : Path.of(location).toAbsolutePath().normalize();
    }

    private static String name(Path p) {
        return p == null || p.getFileName() == null ? "" : p.getFileName().toString();
    }
}
