package io.k1s0.fault.report;

import io.k1s0.fault.report.RunReport.Expectation;
import io.k1s0.fault.report.RunReport.MeshNumbers;
import io.k1s0.fault.report.RunReport.Phase;

/** A short Markdown summary (for a CI job summary or a PR comment): verdict, faults, phases, expectations, cleanup. */
final class MarkdownWriter {

    private MarkdownWriter() {
    }

    static String write(RunReport r) {
        StringBuilder md = new StringBuilder();
        md.append("# Fault injection: ").append(cell(r.experiment())).append(" — ").append(r.overall()).append("\n\n");
        md.append("Run `").append(r.runId().replace("`", "'")).append("` in ").append(cell(r.environment()))
                .append(", ").append(r.start()).append(" → ").append(r.end()).append("\n\n");
        if (r.abortedOnBreach() != null) {
            md.append("> **Injection aborted on breach** at ").append(r.abortedOnBreach().at()).append(": ")
                    .append(cell(r.abortedOnBreach().message())).append("\n\n");
        }
        if (r.cleanup() != null) {
            md.append(r.cleanup().faultsRemoved() ? "Cleanup: all faults removed ✅\n\n"
                    : "Cleanup: **faults remained** ❌ " + cell(String.join(", ", r.cleanup().remaining())) + "\n\n");
        }
        if (!r.faults().isEmpty()) {
            md.append("## Faults\n\n");
            r.faults().forEach(f -> md.append("- ").append(cell(f.describe())).append('\n'));
            if (r.faultWindow() != null) {
                md.append("\nFault window: ").append(r.faultWindow().start()).append(" → ").append(r.faultWindow().end())
                        .append('\n');
            }
            md.append('\n');
        }
        md.append("## Phases\n\n| phase | requests | error rate | injected | organic | P50 | P99 |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Phase p : r.phases()) {
            md.append("| ").append(cell(p.name())).append(" | ").append(p.requests()).append(" | ")
                    .append(Numbers.percent(p.errorRatio())).append(" | ").append(p.injectedErrors()).append(" | ")
                    .append(p.organicErrors()).append(" | ").append(Numbers.ms(p.clientP50Ms())).append(" | ")
                    .append(Numbers.ms(p.clientP99Ms())).append(" |\n");
        }
        md.append("\n## Expectations\n\n| expectation | verdict | expected | actual | interval | samples |\n|---|---|---:|---:|---|---:|\n");
        for (Expectation e : r.expectations()) {
            md.append("| ").append(cell(e.name())).append(" | ").append(e.verdict()).append(" | ")
                    .append(Numbers.inUnit(e.expected(), e.unit())).append(" | ")
                    .append(Numbers.inUnit(e.actual(), e.unit())).append(" | ")
                    .append(e.hasInterval() ? Numbers.inUnit(e.intervalLow(), e.unit()) + " – "
                            + Numbers.inUnit(e.intervalHigh(), e.unit()) : "")
                    .append(" | ").append(e.samples()).append(" / ").append(e.neededSamples()).append(" |\n");
        }
        r.expectations().stream().filter(e -> e.verdict() != RunReport.Verdict.PASS && e.message() != null)
                .forEach(e -> md.append("\n- **").append(cell(e.name())).append("**: ").append(cell(e.message())));
        if (!r.mesh().isEmpty()) {
            md.append("\n\n## Mesh\n\n| phase | retries | retry success | ejections enforced | ejections active | overflow |\n|---|---:|---:|---:|---:|---:|\n");
            for (MeshNumbers m : r.mesh()) {
                md.append("| ").append(cell(m.phase())).append(" | ").append(m.retries()).append(" | ")
                        .append(m.retrySuccess()).append(" | ").append(m.ejectionsEnforced()).append(" | ")
                        .append(m.ejectionsActive()).append(" | ").append(m.overflow()).append(" |\n");
            }
        }
        if (r.links().dashboard() != null || r.links().report() != null) {
            md.append("\n## Links\n\n");
            if (r.links().dashboard() != null) {
                md.append("- [Dashboard](<").append(r.links().dashboard()).append(">)\n");
            }
            if (r.links().report() != null) {
                md.append("- [Full report](<").append(r.links().report()).append(">)\n");
            }
        }
        return md.append('\n').toString();
    }

    /** Keeps user text inside one table cell and stops it from becoming markup or HTML. */
    static String cell(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", " ").replace("\n", " ");
    }
}
