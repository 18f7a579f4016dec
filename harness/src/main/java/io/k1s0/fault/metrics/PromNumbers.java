package io.k1s0.fault.metrics;

import java.util.regex.Pattern;

/** Prometheus's float spelling ("+Inf", "-Inf", "NaN", Go float literals), which Java's parser does not accept as-is. */
final class PromNumbers {

    private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private PromNumbers() {}

    static double parse(String text) {
        if (text == null) {
            throw new NumberFormatException("missing number; allowed: a decimal, +Inf, -Inf or NaN");
        }
        switch (text) {
            case "+Inf": case "Inf": case "+inf": case "inf": return Double.POSITIVE_INFINITY;
            case "-Inf": case "-inf": return Double.NEGATIVE_INFINITY;
            case "NaN": case "nan": return Double.NaN;
            default:
                if (!DECIMAL.matcher(text).matches()) {
                    throw new NumberFormatException(
                            "'" + text + "' is not a Prometheus number; allowed: a decimal like 1, 0.5, 1e3, or +Inf, -Inf, NaN");
                }
                return Double.parseDouble(text);
        }
    }

    /** Prometheus's rendering of bucket bounds: "+Inf", integers without ".0", else the shortest decimal. */
    static String format(double v) {
        if (v == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (v == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
