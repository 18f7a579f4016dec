package io.k1s0.fault.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k1s0.fault.report.RunReport.Expectation;
import io.k1s0.fault.report.RunReport.MeshNumbers;
import io.k1s0.fault.report.RunReport.Phase;
import io.k1s0.fault.report.RunReport.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The Teams message: a Workflows-webhook envelope with one Adaptive Card 1.4 in {@code attachments}. Teams drops
 * messages over 28 KB, so detail is shed in steps (passing expectations, then the history, then messages) until the
 * whole envelope fits; the verdict, key numbers, cleanup line and links always stay.
 */
final class AdaptiveCard {

    static final int MAX_BYTES = 28_000;
    private static final DateTimeFormatter JST = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'JST'", Locale.ROOT)
            .withZone(ZoneId.of("Asia/Tokyo"));

    private AdaptiveCard() {
    }

    /** The smallest loss of detail that fits {@code maxBytes}; the last level cuts text as a final resort. */
    static String envelope(RunReport r, List<RunReport> previous, int maxBytes) {
        String json = null;
        for (int level = 0; level <= 4; level++) {
            json = build(r, previous, level).toString();
            if (json.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
                return json;
            }
        }
        throw new IllegalStateException("the Teams card for run " + r.runId() + " is "
                + json.getBytes(StandardCharsets.UTF_8).length + " bytes even at its smallest; limit " + maxBytes);
    }

    static ObjectNode build(RunReport r, List<RunReport> previous, int level) {
        ObjectNode envelope = ReportJson.MAPPER.createObjectNode();
        envelope.put("type", "message");
        ObjectNode attachment = envelope.putArray("attachments").addObject();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.putObject("msteams").put("width", "Full");
        ArrayNode body = card.putArray("body");
        int maxText = level >= 4 ? 80 : 400;

        Verdict overall = r.overall();
        text(body, cut("Fault injection – " + r.experiment() + " – " + r.environment() + " – " + JST.format(r.start()), maxText))
                .put("size", "Large").put("weight", "Bolder").put("wrap", true);
        text(body, overall.name()).put("size", "ExtraLarge").put("weight", "Bolder")
                .put("color", overall == Verdict.PASS ? "Good" : overall == Verdict.FAIL ? "Attention" : "Warning");
        text(body, "run " + cut(r.runId(), 80)).put("isSubtle", true).put("spacing", "None");
        if (r.abortedOnBreach() != null) {
            text(body, "Injection aborted on breach: " + cut(r.abortedOnBreach().message(), maxText))
                    .put("color", "Attention").put("wrap", true);
        }

        ArrayNode facts = factSet(body);
        r.faults().forEach(f -> fact(facts, "fault", cut(f.describe(), maxText)));
        for (Phase p : r.phases()) {
            fact(facts, p.name(), "errors " + Numbers.percent(p.errorRatio()) + " (organic "
                    + Numbers.percent(p.organicErrorRatio()) + "), P99 " + Numbers.ms(p.clientP99Ms()) + ", "
                    + p.requests() + " requests");
        }
        long retries = r.mesh().stream().mapToLong(MeshNumbers::retries).sum();
        long retrySuccess = r.mesh().stream().mapToLong(MeshNumbers::retrySuccess).sum();
        long ejections = r.mesh().stream().mapToLong(MeshNumbers::ejectionsEnforced).sum();
        if (!r.mesh().isEmpty()) {
            fact(facts, "retries", retries + " (" + retrySuccess + " succeeded)");
            fact(facts, "ejections", Long.toString(ejections));
        }
        if (r.cleanup() != null) {
            fact(facts, "cleanup", r.cleanup().faultsRemoved() ? "✅ faults removed"
                    : "❌ remained: " + cut(String.join(", ", r.cleanup().remaining()), maxText));
        }
        fact(facts, "duration", HtmlReportWriter.human(r.duration()));

        text(body, "Expectations").put("weight", "Bolder").put("separator", true);
        long passed = r.expectations().stream().filter(e -> e.verdict() == Verdict.PASS).count();
        for (Expectation e : r.expectations()) {
            if (level >= 1 && e.verdict() == Verdict.PASS) {
                continue;
            }
            if (level >= 3 && body.size() > 40) {
                break;
            }
            String line = (e.verdict() == Verdict.PASS ? "✅ " : e.verdict() == Verdict.FAIL ? "❌ " : "⚪ ")
                    + cut(e.name(), maxText) + " — " + Numbers.inUnit(e.actual(), e.unit())
                    + (e.hasInterval() ? " [" + Numbers.inUnit(e.intervalLow(), e.unit()) + ", "
                            + Numbers.inUnit(e.intervalHigh(), e.unit()) + "]" : "")
                    + " vs " + Numbers.inUnit(e.expected(), e.unit());
            if (level < 2 && e.verdict() != Verdict.PASS && e.message() != null) {
                line += " — " + cut(e.message(), maxText);
            }
            text(body, line).put("wrap", true).put("spacing", "Small");
        }
        if (level >= 1) {
            text(body, passed + " of " + r.expectations().size() + " expectations passed"
                    + (level >= 3 ? " (details in the report)" : "")).put("isSubtle", true).put("wrap", true);
        }

        if (level < 2 && !previous.isEmpty()) {
            trend(body, r, previous);
        }

        ArrayNode actions = card.putArray("actions");
        openUrl(actions, "Dashboard", r.links().dashboard());
        openUrl(actions, "Full report", r.links().report());
        return envelope;
    }

    /** Change against earlier runs: this run's injection-phase numbers next to the mean of the previous ones. */
    private static void trend(ArrayNode body, RunReport r, List<RunReport> previous) {
        text(body, "Change vs the last " + previous.size() + " run(s)").put("weight", "Bolder").put("separator", true);
        ArrayNode facts = factSet(body);
        OptionalDouble prevError = previous.stream().flatMap(p -> p.phase("injection").stream())
                .mapToDouble(Phase::errorRatio).average();
        OptionalDouble prevP99 = previous.stream().flatMap(p -> p.phase("injection").stream())
                .mapToDouble(Phase::clientP99Ms).average();
        r.phase("injection").ifPresent(now -> {
            if (prevError.isPresent()) {
                fact(facts, "error rate (injection)", Numbers.percent(now.errorRatio()) + " vs "
                        + Numbers.percent(prevError.getAsDouble()) + " (" + signed((now.errorRatio() - prevError.getAsDouble()) * 100, "pp") + ")");
            }
            if (prevP99.isPresent()) {
                fact(facts, "P99 (injection)", Numbers.ms(now.clientP99Ms()) + " vs " + Numbers.ms(prevP99.getAsDouble())
                        + " (" + signed(now.clientP99Ms() - prevP99.getAsDouble(), "ms") + ")");
            }
        });
        StringBuilder history = new StringBuilder();
        for (int i = previous.size() - 1; i >= 0; i--) {
            history.append(previous.get(i).overall()).append(" → ");
        }
        fact(facts, "verdicts", history.append(r.overall()).append(" (now)").toString());
    }

    private static String signed(double v, String unit) {
        return String.format(Locale.ROOT, "%+.2f %s", v, unit);
    }

    private static ObjectNode text(ArrayNode body, String text) {
        ObjectNode t = body.addObject();
        t.put("type", "TextBlock");
        t.put("text", text);
        return t;
    }

    private static ArrayNode factSet(ArrayNode body) {
        ObjectNode set = body.addObject();
        set.put("type", "FactSet");
        return set.putArray("facts");
    }

    private static void fact(ArrayNode facts, String title, String value) {
        facts.addObject().put("title", title).put("value", value);
    }

    private static void openUrl(ArrayNode actions, String title, String url) {
        if (Html.isWebLink(url)) {
            actions.addObject().put("type", "Action.OpenUrl").put("title", title).put("url", url);
        }
    }

    private static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
