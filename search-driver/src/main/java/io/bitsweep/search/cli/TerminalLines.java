package io.bitsweep.search.cli;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;

/**
 * The terminal line a progress bar redraws in place, shared with whole lines printed while it is drawn (log lines):
 * such a line first blanks the bar's line, is printed on its own line, and the bar is drawn again below it. So a log
 * line never lands inside the bar's line, whichever thread prints it.
 */
final class TerminalLines {
    private final PrintStream out;
    private String bar;

    TerminalLines(PrintStream out) {
        this.out = out;
    }

    /** A whole line (no line break needed): above the bar if one is drawn. */
    synchronized void println(String line) {
        if (bar != null) {
            out.print("\r" + " ".repeat(bar.length()) + "\r");
        }
        out.print(line.endsWith("\n") ? line : line + "\n");
        if (bar != null) {
            out.print(bar);
        }
        out.flush();
    }

    /** Draws the bar over its previous state. */
    synchronized void drawBar(String rendered) {
        String padding = bar != null && bar.length() > rendered.length() ? " ".repeat(bar.length() - rendered.length())
                : "";
        out.print("\r" + rendered + padding);
        bar = rendered;
        out.flush();
    }

    /** Leaves the bar's last state on its line and moves below it. */
    synchronized void endBar() {
        if (bar != null) {
            out.print("\n");
            out.flush();
            bar = null;
        }
    }

    /** A progress bar that draws through these lines, as wide as the library measures the terminal. */
    ProgressBarConsumer barConsumer() {
        int width = new ConsoleProgressBarConsumer(out).getMaxRenderedLength();
        return new ProgressBarConsumer() {
            @Override
            public int getMaxRenderedLength() {
                return width;
            }

            @Override
            public void accept(String rendered) {
                drawBar(rendered);
            }

            @Override
            public void close() {
                endBar();
            }
        };
    }
}
