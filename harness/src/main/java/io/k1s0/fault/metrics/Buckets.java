package io.k1s0.fault.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Cumulative histogram bucket counts of one window, keyed by upper bound ({@code le}, +Inf included), summed over
 * the selected series as {@code sum by (le)} does.
 */
public final class Buckets {

    private final NavigableMap<Double, Double> cumulative;

    public Buckets(Map<Double, Double> cumulativeByUpperBound) {
        this.cumulative = Collections.unmodifiableNavigableMap(new TreeMap<>(cumulativeByUpperBound));
    }

    public NavigableMap<Double, Double> cumulative() {
        return cumulative;
    }

    /** Observations in the window: the +Inf bucket, 0 when there is none. */
    public double count() {
        Double inf = cumulative.get(Double.POSITIVE_INFINITY);
        return inf == null ? 0 : inf;
    }

    /** Prometheus's {@code histogram_quantile(q, …)} over these buckets. */
    public double quantile(double q) {
        return HistogramQuantile.of(q, cumulative);
    }

    /**
     * The bucket {@code (lower, upper]} that holds {@code value}: lower is the previous bound (0 for the first bucket),
     * or {@code null} when there are no buckets.
     */
    public double[] bucketOf(double value) {
        Double upper = cumulative.ceilingKey(value);
        if (upper == null) {
            return null;
        }
        Double lower = cumulative.lowerKey(upper);
        return new double[] {lower == null ? 0 : lower, upper};
    }

    @Override
    public String toString() {
        return cumulative.toString();
    }
}
