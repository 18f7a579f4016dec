package io.k1s0.fault.localmesh;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Istio's YAML writes them (Go {@code time.ParseDuration} syntax: {@code 500ms}, {@code 1.5s},
 * {@code 1m30s}, {@code 250us}). Shared by validation, the echo server and the data plane.
 */
final class GoDuration {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|ms|s|m|h)(?:(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:ns|us|µs|ms|s|m|h))*");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {}

    /**
     * Parses a Go duration; zero may be written {@code 0}.
     *
     * @throws IllegalArgumentException naming the value and the accepted form
     */
    static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("duration is missing; expected e.g. 100ms, 1.5s, 2m");
        }
        String s = text.trim();
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (!WHOLE.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected a number with a unit ns, us, ms, s, m or h, e.g. 100ms, 1.5s, 2m");
        }
        Matcher m = PART.matcher(s);
        double nanos = 0;
        while (m.find()) {
            nanos += Double.parseDouble(m.group(1)) * unitNanos(m.group(2));
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    private static double unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            case "h" -> 3600e9;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
