package io.k1s0.fault.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Prometheus's {@code histogram_quantile} for classic buckets, written from its documented rules: linear
 * interpolation inside the bucket holding the rank; the first bucket starts at 0 when its upper bound is positive;
 * a rank in the +Inf bucket yields the highest finite upper bound; no +Inf bucket, fewer than two buckets or no
 * observations yield NaN; q outside [0, 1] yields ∓Inf. Non-monotonic counts (scrape races) are lifted to the
 * running maximum, as Prometheus does.
 */
final class HistogramQuantile {

    private HistogramQuantile() {}

    static double of(double q, NavigableMap<Double, Double> cumulativeByUpperBound) {
        if (Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (cumulativeByUpperBound.isEmpty() || cumulativeByUpperBound.lastKey() != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        List<double[]> buckets = new ArrayList<>();
        double max = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Double, Double> e : cumulativeByUpperBound.entrySet()) {
            max = Math.max(max, e.getValue());
            buckets.add(new double[] {e.getKey(), max});
        }
        if (buckets.size() < 2) {
            return Double.NaN;
        }
        double observations = buckets.get(buckets.size() - 1)[1];
        if (observations == 0 || Double.isNaN(observations)) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        // first bucket, not counting +Inf, whose cumulative count reaches the rank
        while (b < buckets.size() - 1 && buckets.get(b)[1] < rank) {
            b++;
        }
        if (b == buckets.size() - 1) {
            return buckets.get(buckets.size() - 2)[0];
        }
        if (b == 0 && buckets.get(0)[0] <= 0) {
            return buckets.get(0)[0];
        }
        double start = 0;
        double end = buckets.get(b)[0];
        double count = buckets.get(b)[1];
        if (b > 0) {
            start = buckets.get(b - 1)[0];
            count -= buckets.get(b - 1)[1];
            rank -= buckets.get(b - 1)[1];
        }
        return start + (end - start) * (rank / count);
    }
}
