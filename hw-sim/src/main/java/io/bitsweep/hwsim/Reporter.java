package io.bitsweep.hwsim;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes a {@link SimulationReport} in one format. Pluggable: {@link CsvReporter}, {@link TableReporter}. */
public interface Reporter {
    void write(SimulationReport report, Appendable out) throws IOException;

    default String format(SimulationReport report) {
        StringBuilder sb = new StringBuilder();
        try {
            write(report, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }
}
