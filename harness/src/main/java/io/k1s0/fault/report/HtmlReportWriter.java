package io.k1s0.fault.report;

import io.k1s0.fault.report.RunReport.Expectation;
import io.k1s0.fault.report.RunReport.MeshNumbers;
import io.k1s0.fault.report.RunReport.Phase;
import io.k1s0.fault.report.RunReport.Second;
import io.k1s0.fault.report.RunReport.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A single self-contained HTML file: inline CSS and inline SVG only, no script and no external resource, so it
 * opens offline (from a CI artifact or a mail attachment) exactly as it was written.
 */
final class HtmlReportWriter {

    /** The design's rollback thresholds, drawn on the charts. */
    static final double ROLLBACK_ERROR_RATE = 0.05;
    static final double ROLLBACK_P99_MS = 1000;
    static final double CANARY_P99_MS = 500;

    private static final String CSS = """
            body{font-family:-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK JP",sans-serif;margin:0;background:#f3f4f6;color:#111827}
            main{max-width:1200px;margin:0 auto;padding:24px}
            h1{font-size:24px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 10px}
            .meta{color:#4b5563;font-size:13px}
            .badge{display:inline-block;padding:3px 10px;border-radius:12px;color:#fff;font-weight:600;font-size:14px;vertical-align:middle}
            .PASS{background:#15803d} .FAIL{background:#b91c1c} .INCONCLUSIVE{background:#6b7280}
            .cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
            .card{background:#fff;border-radius:8px;padding:12px 16px;min-width:150px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            .card .k{font-size:12px;color:#6b7280} .card .v{font-size:20px;font-weight:600;margin-top:2px}
            .alert{background:#fef2f2;border-left:4px solid #b91c1c;padding:10px 14px;margin-top:16px;border-radius:4px}
            .ok{color:#15803d} .bad{color:#b91c1c}
            .charts{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px}
            figure{background:#fff;border-radius:8px;margin:0;padding:10px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            figcaption{font-weight:600;font-size:14px;margin:0 0 4px 4px}
            svg.chart{width:100%;height:auto}
            table{border-collapse:collapse;background:#fff;width:100%;font-size:13px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
            th,td{padding:6px 10px;border-bottom:1px solid #e5e7eb;text-align:left} th{background:#f9fafb;font-weight:600}
            td.n{text-align:right;font-variant-numeric:tabular-nums}
            td.msg{color:#374151;max-width:420px}
            ul{margin:4px 0} a{color:#1d4ed8}
            """;

    private HtmlReportWriter() {
    }

    static String write(RunReport r) {
        Verdict overall = r.overall();
        StringBuilder h = new StringBuilder(32_000);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(Html.escape("Fault injection " + r.experiment() + " — " + overall)).append("</title>")
                .append("<style>").append(CSS).append("</style></head><body><main>\n");
        h.append("<h1>Fault injection: ").append(Html.escape(r.experiment())).append(" <span class=\"badge ")
                .append(overall).append("\">").append(overall).append("</span></h1>\n");
        h.append("<div class=\"meta\">run <code>").append(Html.escape(r.runId())).append("</code> · environment <b>")
                .append(Html.escape(r.environment())).append("</b> · ").append(r.start()).append(" → ").append(r.end())
                .append(" (").append(human(r.duration())).append(")</div>\n");
        h.append("<div class=\"meta\">").append(Html.escape(why(r))).append("</div>\n");
        cards(h, r);
        if (r.abortedOnBreach() != null) {
            h.append("<div class=\"alert\"><b>Injection aborted on breach</b> at ").append(r.abortedOnBreach().at())
                    .append(": ").append(Html.escape(r.abortedOnBreach().message())).append("</div>\n");
        }
        if (r.cleanup() != null && !r.cleanup().faultsRemoved()) {
            h.append("<div class=\"alert\"><b>Faults remained after cleanup:</b> ")
                    .append(Html.escape(String.join(", ", r.cleanup().remaining()))).append(". ")
                    .append(Html.escape(r.cleanup().message())).append("</div>\n");
        }
        if (!r.faults().isEmpty()) {
            h.append("<h2>Faults configured</h2><ul>");
            r.faults().forEach(f -> h.append("<li>").append(Html.escape(f.describe())).append("</li>"));
            h.append("</ul>");
            if (r.faultWindow() != null) {
                h.append("<div class=\"meta\">fault window ").append(r.faultWindow().start()).append(" → ")
                        .append(r.faultWindow().end()).append(" (")
                        .append(human(Duration.between(r.faultWindow().start(), r.faultWindow().end()))).append(")</div>");
            }
        }
        h.append("<h2>Over time</h2><div class=\"charts\">\n");
        charts(h, r);
        h.append("</div>\n");
        phases(h, r);
        expectations(h, r);
        mesh(h, r);
        links(h, r);
        h.append("<p class=\"meta\">schemaVersion ").append(r.schemaVersion()).append(" · generated by fault-runner</p>");
        return h.append("</main></body></html>\n").toString();
    }

    private static void cards(StringBuilder h, RunReport r) {
        h.append("<div class=\"cards\">");
        long passed = r.expectations().stream().filter(e -> e.verdict() == Verdict.PASS).count();
        card(h, "expectations passed", passed + " / " + r.expectations().size(), null);
        r.phase("injection").ifPresent(p -> {
            card(h, "error rate (injection)", Numbers.percent(p.errorRatio()), null);
            card(h, "organic errors (injection)", Numbers.percent(p.organicErrorRatio()),
                    p.organicErrorRatio() > ROLLBACK_ERROR_RATE ? "bad" : null);
            card(h, "client P99 (injection)", Numbers.ms(p.clientP99Ms()), p.clientP99Ms() > ROLLBACK_P99_MS ? "bad" : null);
        });
        long requests = r.phases().stream().mapToLong(Phase::requests).sum();
        card(h, "requests", Long.toString(requests), null);
        if (r.cleanup() != null) {
            card(h, "cleanup", r.cleanup().faultsRemoved() ? "✔ faults removed" : "✘ faults remained",
                    r.cleanup().faultsRemoved() ? "ok" : "bad");
        }
        h.append("</div>\n");
    }

    private static void card(StringBuilder h, String key, String value, String cls) {
        h.append("<div class=\"card\"><div class=\"k\">").append(Html.escape(key)).append("</div><div class=\"v")
                .append(cls == null ? "" : " " + cls).append("\">").append(Html.escape(value)).append("</div></div>");
    }

    private static void charts(StringBuilder h, RunReport r) {
        List<Svg.Point> errors = new ArrayList<>();
        List<Svg.Point> p99 = new ArrayList<>();
        for (Phase p : r.phases()) {
            for (Second s : p.series()) {
                errors.add(new Svg.Point(s.t(), s.errorRate()));
                p99.add(new Svg.Point(s.t(), s.p99Ms()));
            }
        }
        errors.sort((a, b) -> Double.compare(a.x(), b.x()));
        p99.sort((a, b) -> Double.compare(a.x(), b.x()));
        double xMax = Math.max(1, r.duration().toMillis() / 1000.0);
        Double from = r.faultWindow() == null ? null : offset(r, r.faultWindow().start());
        Double to = r.faultWindow() == null ? null : offset(r, r.faultWindow().end());
        figure(h, "Error rate per second", Svg.lineChart("chart-error-rate", "Error rate per second", errors, xMax, from, to,
                List.of(new Svg.Threshold(ROLLBACK_ERROR_RATE, "rollback 5 %", "#b91c1c")), Numbers::percent, "#dc2626"));
        figure(h, "Client P99 latency per second", Svg.lineChart("chart-p99", "Client P99 latency per second", p99, xMax,
                from, to, List.of(new Svg.Threshold(CANARY_P99_MS, "canary gate 500 ms", "#d97706"),
                        new Svg.Threshold(ROLLBACK_P99_MS, "rollback 1000 ms", "#b91c1c")), v -> Numbers.ms(v), "#2563eb"));
        List<String> groups = r.mesh().stream().map(MeshNumbers::phase).toList();
        List<Svg.Bar> retries = new ArrayList<>();
        List<Svg.Bar> ejections = new ArrayList<>();
        for (MeshNumbers m : r.mesh()) {
            retries.add(new Svg.Bar(m.phase(), "retries", m.retries(), "#7c3aed"));
            retries.add(new Svg.Bar(m.phase(), "retry success", m.retrySuccess(), "#a78bfa"));
            retries.add(new Svg.Bar(m.phase(), "overflow", m.overflow(), "#f472b6"));
            ejections.add(new Svg.Bar(m.phase(), "ejections enforced", m.ejectionsEnforced(), "#0f766e"));
            ejections.add(new Svg.Bar(m.phase(), "ejections active (max)", m.ejectionsActive(), "#5eead4"));
        }
        figure(h, "Retries per phase", Svg.barChart("chart-retries", "Retries per phase", groups,
                List.of("retries", "retry success", "overflow"), retries));
        figure(h, "Outlier ejections per phase", Svg.barChart("chart-ejections", "Outlier ejections per phase", groups,
                List.of("ejections enforced", "ejections active (max)"), ejections));
        List<Svg.IntervalPoint> fractions = r.expectations().stream()
                .filter(e -> "ratio".equals(e.unit()) && e.hasInterval() && e.actual() != null && e.expected() != null)
                .map(e -> new Svg.IntervalPoint(e.name(), e.expected(), e.actual(), e.intervalLow(), e.intervalHigh()))
                .toList();
        figure(h, "Observed fractions with their intervals", Svg.intervalChart("chart-fractions",
                "Observed fractions with their intervals", fractions));
    }

    private static void figure(StringBuilder h, String caption, String svg) {
        h.append("<figure><figcaption>").append(Html.escape(caption)).append("</figcaption>").append(svg).append("</figure>\n");
    }

    private static void phases(StringBuilder h, RunReport r) {
        h.append("<h2>Phases</h2><table><tr><th>phase</th><th>from</th><th>to</th><th>requests</th><th>error rate</th>")
                .append("<th>injected (FI)</th><th>organic</th><th>errors by code</th><th>P50</th><th>P99</th></tr>");
        for (Phase p : r.phases()) {
            h.append("<tr><td>").append(Html.escape(p.name())).append("</td><td>").append(p.start()).append("</td><td>")
                    .append(p.end()).append("</td><td class=\"n\">").append(p.requests()).append("</td><td class=\"n\">")
                    .append(Numbers.percent(p.errorRatio())).append("</td><td class=\"n\">").append(p.injectedErrors())
                    .append("</td><td class=\"n\">").append(p.organicErrors()).append("</td><td>");
            p.errorsByCode().forEach((code, n) -> h.append(Html.escape(code)).append(": ").append(n).append(' '));
            h.append("</td><td class=\"n\">").append(Numbers.ms(p.clientP50Ms())).append("</td><td class=\"n\">")
                    .append(Numbers.ms(p.clientP99Ms())).append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static void expectations(StringBuilder h, RunReport r) {
        h.append("<h2>Expectations</h2><table><tr><th>expectation</th><th>verdict</th><th>expected</th><th>actual</th>")
                .append("<th>interval</th><th>samples</th><th>message</th></tr>");
        for (Expectation e : r.expectations()) {
            h.append("<tr><td>").append(Html.escape(e.name())).append("</td><td><span class=\"badge ").append(e.verdict())
                    .append("\">").append(e.verdict()).append("</span></td><td class=\"n\">")
                    .append(Numbers.inUnit(e.expected(), e.unit())).append("</td><td class=\"n\">")
                    .append(Numbers.inUnit(e.actual(), e.unit())).append("</td><td class=\"n\">")
                    .append(e.hasInterval() ? Numbers.inUnit(e.intervalLow(), e.unit()) + " – "
                            + Numbers.inUnit(e.intervalHigh(), e.unit()) : "")
                    .append("</td><td class=\"n\">").append(e.samples()).append(" / ").append(e.neededSamples())
                    .append("</td><td class=\"msg\">").append(Html.escape(e.message())).append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static void mesh(StringBuilder h, RunReport r) {
        if (r.mesh().isEmpty()) {
            return;
        }
        h.append("<h2>Mesh</h2><table><tr><th>phase</th><th>retries</th><th>retry success</th><th>ejections enforced</th>")
                .append("<th>ejections active (max)</th><th>overflow</th></tr>");
        for (MeshNumbers m : r.mesh()) {
            h.append("<tr><td>").append(Html.escape(m.phase())).append("</td><td class=\"n\">").append(m.retries())
                    .append("</td><td class=\"n\">").append(m.retrySuccess()).append("</td><td class=\"n\">")
                    .append(m.ejectionsEnforced()).append("</td><td class=\"n\">").append(m.ejectionsActive())
                    .append("</td><td class=\"n\">").append(m.overflow()).append("</td></tr>");
        }
        h.append("</table>\n");
    }

    private static void links(StringBuilder h, RunReport r) {
        if (r.links().dashboard() == null && r.links().report() == null) {
            return;
        }
        h.append("<h2>Links</h2><ul>");
        link(h, "Grafana dashboard for this run", r.links().dashboard());
        link(h, "This report", r.links().report());
        h.append("</ul>\n");
    }

    private static void link(StringBuilder h, String label, String url) {
        if (url == null) {
            return;
        }
        if (Html.isWebLink(url)) {
            h.append("<li><a href=\"").append(Html.escape(url)).append("\">").append(Html.escape(label)).append("</a></li>");
        } else {
            h.append("<li>").append(Html.escape(label)).append(": ").append(Html.escape(url)).append("</li>");
        }
    }

    private static double offset(RunReport r, Instant t) {
        return Duration.between(r.start(), t).toMillis() / 1000.0;
    }

    /** One line saying why the overall verdict is what it is. */
    static String why(RunReport r) {
        long failed = r.expectations().stream().filter(e -> e.verdict() == Verdict.FAIL).count();
        long inconclusive = r.expectations().stream().filter(e -> e.verdict() == Verdict.INCONCLUSIVE).count();
        List<String> reasons = new ArrayList<>();
        if (r.abortedOnBreach() != null) {
            reasons.add("injection aborted on breach");
        }
        if (r.cleanup() != null && !r.cleanup().faultsRemoved()) {
            reasons.add("faults remained after cleanup");
        }
        if (failed > 0) {
            reasons.add(failed + " expectation(s) failed");
        }
        if (inconclusive > 0) {
            reasons.add(inconclusive + " inconclusive (too few samples)");
        }
        if (r.expectations().isEmpty()) {
            reasons.add("no expectations were judged");
        }
        return reasons.isEmpty() ? "every expectation passed and the faults were removed" : String.join("; ", reasons);
    }

    static String human(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format("%dh %02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm %02ds", s / 60, s % 60) : s + " s";
    }
}
