package io.k1s0.fault.traffic;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/** The one histogram shape used everywhere here: microseconds, 1 µs to 60 s, 3 significant digits. */
final class Histograms {

    static final long LOWEST_MICROS = 1;
    static final long HIGHEST_MICROS = 60_000_000L;
    static final int SIGNIFICANT_DIGITS = 3;

    private Histograms() {
    }

    static Histogram create() {
        return new Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    /** Nanoseconds to a recordable microsecond value (clamped into the histogram's range). */
    static long micros(long nanos) {
        return Math.max(LOWEST_MICROS, Math.min(HIGHEST_MICROS, nanos / 1_000));
    }

    static Duration percentile(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Duration.ZERO : Duration.ofNanos(h.getValueAtPercentile(percentile) * 1_000);
    }

    static String millis(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
