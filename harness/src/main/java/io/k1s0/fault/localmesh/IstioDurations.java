package io.k1s0.fault.localmesh;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the duration strings Istio resources carry ({@code 250ms}, {@code 1.5s}, {@code 1m30s}). */
final class IstioDurations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");

    private IstioDurations() {}

    /** Returns null for an absent value; a zero duration stays zero (callers decide what 0 means). */
    static Duration parse(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String trimmed = text.trim();
        Matcher m = PART.matcher(trimmed);
        int position = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != position) {
                throw invalid(field, text);
            }
            nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
            position = m.end();
        }
        if (position == 0 || position != trimmed.length()) {
            throw invalid(field, text);
        }
        return Duration.ofNanos((long) nanos);
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "h" -> 3_600e9;
            case "m" -> 60e9;
            case "s" -> 1e9;
            case "ms" -> 1e6;
            case "us", "µs" -> 1e3;
            default -> 1;
        };
    }

    private static IllegalArgumentException invalid(String field, String text) {
        return new IllegalArgumentException(field + " = '" + text
                + "' is not a duration; allowed: a number with unit h, m, s, ms, us or ns, e.g. 250ms, 1.5s, 1m30s");
    }
}
