package io.k1s0.fault.verdict;

import java.util.Locale;

/** A proportion in [0, 1], written and printed as a percentage ({@code percent(5)} → "5.00 %"). */
public final class Ratio {

    private final double value;

    private Ratio(double value) {
        this.value = value;
    }

    /** {@code percent(5)} is 0.05; allowed 0–100. */
    public static Ratio percent(double percent) {
        if (Double.isNaN(percent) || percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent is " + percent + "; allowed: 0 to 100");
        }
        return new Ratio(percent / 100);
    }

    /** The proportion itself, 0–1. */
    public double value() {
        return value;
    }

    public double percent() {
        return value * 100;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ratio && Double.compare(((Ratio) o).value, value) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(value);
    }

    @Override
    public String toString() {
        return format(value);
    }

    static String format(double proportion) {
        return String.format(Locale.ROOT, "%.2f %%", proportion * 100);
    }
}
