package io.k1s0.fault.report;

import java.nio.file.Path;

/** Writes the sample run's reports to a directory (argument, default target/sample-report) to look at them. */
final class RenderSample {

    private RenderSample() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/sample-report");
        ReportFiles.Written w = ReportFiles.write(SampleRuns.weekly("run-2026-11-23-0100"), dir);
        System.out.println(w.html().toAbsolutePath());
    }
}
