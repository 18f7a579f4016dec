package io.k1s0.fault.report;

import java.util.Locale;

/** Number formatting shared by the human-readable writers, always in one locale so reports do not vary by host. */
final class Numbers {

    private Numbers() {
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, ratio != 0 && Math.abs(ratio) < 0.001 ? "%.3f%%" : "%.2f%%", ratio * 100);
    }

    static String ms(double ms) {
        return String.format(Locale.ROOT, "%.0f ms", ms);
    }

    static String plain(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%d", (long) value);
        }
        return String.format(Locale.ROOT, "%.4g", value);
    }

    /** Formats a value in an expectation's unit. */
    static String inUnit(Double value, String unit) {
        if (value == null) {
            return "–";
        }
        if ("ratio".equals(unit)) {
            return percent(value);
        }
        if ("ms".equals(unit)) {
            return ms(value);
        }
        return plain(value);
    }
}
