package io.k1s0.fault.localmesh;

import java.util.List;
import org.hipparchus.distribution.discrete.BinomialDistribution;

/**
 * The median of independent readings with a distribution-free confidence interval: order statistics {@code x(k)} and
 * {@code x(n+1-k)}, where {@code k} is the largest rank that leaves at most {@code (1 - confidence) / 2} probability on
 * each side (each reading falls below the true median with probability one half). Used for the hop benchmark's
 * per-round ratios, whose spread between rounds of this shared machine no fixed tolerance describes.
 *
 * @param confidence the interval's exact coverage, at least the confidence asked for
 */
record MedianInterval(double median, double lower, double upper, double confidence, int readings) {

    static MedianInterval of(List<Double> readings, double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be between 0 and 1 (exclusive), got " + confidence);
        }
        int n = readings.size();
        BinomialDistribution below = n == 0 ? null : new BinomialDistribution(n, 0.5);
        double tail = (1 - confidence) / 2;
        // k = the largest rank with P(X <= k - 1) <= tail; rank 1 is always the first candidate.
        int k = 0;
        while (below != null && k < n / 2 && below.cumulativeProbability(k) <= tail) {
            k++;
        }
        if (k == 0) {
            throw new IllegalArgumentException(n + " readings cannot give a " + Math.round(confidence * 100)
                    + " % interval for their median: even the lowest and highest leave more than " + Math.round(tail * 1000) / 10.0
                    + " % on a side; take more rounds");
        }
        List<Double> sorted = readings.stream().sorted().toList();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new MedianInterval(median, sorted.get(k - 1), sorted.get(n - k), 1 - 2 * below.cumulativeProbability(k - 1), n);
    }

    /** Whether the whole interval lies at or below {@code limit} ("met"), wholly above it ("not met"), or straddles it. */
    String verdictAtMost(double limit) {
        if (upper <= limit) {
            return "yes";
        }
        return lower > limit ? "NO" : "inconclusive";
    }
}
