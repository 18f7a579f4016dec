package io.k1s0.fault.verdict;

import io.k1s0.fault.metrics.MeshMetric;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every verdict message template, in one place so tests can pin them. Layout: a verdict line; "Expecting actual:"
 * and the indented value; "to be …:" and the indented expectation; then a context block (queries, window, sample
 * counts, notes and the label sets that exist for the metric).
 */
final class VerdictMessages {

    static final int MAX_LABEL_SETS = 12;

    private VerdictMessages() {}

    /** What a message says about where the numbers came from. */
    record Context(List<String> queries, Instant start, Instant end, String samples, String source,
            List<String> notes, MeshMetric metric, List<Map<String, String>> labelSets) {}

    static String pass(String subject, String actual, String relation, String expected) {
        return subject + " PASS: " + actual + " " + relation + " " + expected;
    }

    static String fail(String subject, String verdictLine, String actual, String relation, String expected,
            Context context) {
        return subject + " FAIL: " + verdictLine + "\n"
                + "Expecting actual:\n  " + actual + "\n"
                + "to be " + relation + ":\n  " + expected + "\n"
                + context(context);
    }

    static String inconclusive(String subject, Plan plan, long had, String unit, String observed, Context context) {
        String need = plan.requests() == Long.MAX_VALUE ? "cannot be decided" : "need ≥ " + count(plan.requests())
                + " " + unit + ", had " + count(had);
        return subject + " INCONCLUSIVE: " + need + "\n"
                + "Plan:\n  " + plan.explanation() + "\n"
                + "Observed:\n  " + observed + "\n"
                + context(context);
    }

    private static String context(Context c) {
        StringBuilder sb = new StringBuilder("Context:\n");
        for (int i = 0; i < c.queries().size(); i++) {
            sb.append(i == 0 ? "  query:   " : "           ").append(c.queries().get(i)).append('\n');
        }
        sb.append("  window:  ").append(c.start()).append(" .. ").append(c.end()).append(" (")
                .append(seconds(Duration.between(c.start(), c.end()))).append(")\n");
        sb.append("  samples: ").append(c.samples()).append('\n');
        if (c.source() != null) {
            sb.append("  source:  ").append(c.source()).append('\n');
        }
        for (String note : c.notes()) {
            sb.append("  note:    ").append(note).append('\n');
        }
        List<Map<String, String>> sets = c.labelSets();
        sb.append("  label sets of ").append(c.metric().promName()).append(" (").append(sets.size()).append("):");
        if (sets.isEmpty()) {
            sb.append(" none in this window");
        }
        sets.stream().limit(MAX_LABEL_SETS).forEach(s -> sb.append("\n    ").append(labels(s)));
        if (sets.size() > MAX_LABEL_SETS) {
            sb.append("\n    … and ").append(sets.size() - MAX_LABEL_SETS).append(" more");
        }
        return sb.toString();
    }

    static String labels(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(Collectors.joining(",", "{", "}"));
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String millis(double ms) {
        return String.format(Locale.ROOT, "%.1f ms", ms);
    }

    static String interval(double confidence, String kind, double lower, double upper) {
        return SampleSizePlanner.confidenceText(confidence) + " " + kind + " interval [" + Ratio.format(lower) + ", "
                + Ratio.format(upper) + "]";
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f s", d.toMillis() / 1000.0);
    }
}
