package io.k1s0.fault.verdict;

import java.util.Locale;
import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * Turns expectations into request counts before traffic is sent, and tells an inconclusive verdict how far short it
 * fell. Normal quantiles come from Hipparchus.
 */
public final class SampleSizePlanner {

    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(0, 1);

    private SampleSizePlanner() {}

    /**
     * Requests for "observed fraction consistent with p" to have a two-sided interval at {@code confidence} no wider
     * than ±{@code tolerance}: n = z² p(1−p) / tolerance², z the two-sided normal quantile. For p = 5 %,
     * ±1 percentage point at 99 %: 3,152.
     */
    public static Plan forFraction(Ratio expected, Ratio tolerance, double confidence) {
        checkConfidence(confidence);
        double p = expected.value();
        double t = tolerance.value();
        if (t <= 0) {
            throw new IllegalArgumentException("tolerance is " + tolerance + "; allowed: more than 0 %");
        }
        double z = twoSidedZ(confidence);
        long n = (long) Math.ceil(z * z * Math.max(p * (1 - p), 1e-12) / (t * t) - 1e-9);
        return new Plan(Math.max(n, 1), String.format(Locale.ROOT,
                "n = z² p(1−p) / tol² with z = %.4f (two-sided %s), p = %s, tol = ±%s → %,d requests",
                z, confidenceText(confidence), expected, tolerance, Math.max(n, 1)));
    }

    /**
     * Requests needed to conclude "rate below {@code threshold}" at one-sided {@code confidence} when the true rate is
     * about {@code expectedRate}. With an expected rate of 0 this is exact (no failures seen in n requests):
     * n = ln(1−c) / ln(1−threshold), e.g. 459 for 1 % at 99 %. Otherwise normal approximation:
     * n = z² r(1−r) / (threshold − r)², z the one-sided quantile. An expected rate at the threshold cannot be decided.
     */
    public static Plan forRateBelow(Ratio threshold, Ratio expectedRate, double confidence) {
        checkConfidence(confidence);
        double t = threshold.value();
        double r = expectedRate.value();
        if (t <= 0 || t >= 1) {
            throw new IllegalArgumentException("threshold is " + threshold + "; allowed: between 0 % and 100 % (exclusive)");
        }
        if (r == 0) {
            long n = (long) Math.ceil(Math.log(1 - confidence) / Math.log(1 - t) - 1e-9);
            return new Plan(n, String.format(Locale.ROOT,
                    "with no errors, n = ln(1−c) / ln(1−threshold) = ln(%s) / ln(1−%s) → %,d requests (exact binomial)",
                    fmt(1 - confidence), threshold, n));
        }
        if (r == t) {
            return new Plan(Long.MAX_VALUE, "a rate equal to the threshold " + threshold
                    + " cannot be shown below or above it with any number of requests");
        }
        double z = STANDARD_NORMAL.inverseCumulativeProbability(confidence);
        long n = (long) Math.ceil(z * z * r * (1 - r) / ((t - r) * (t - r)) - 1e-9);
        return new Plan(n, String.format(Locale.ROOT,
                "n = z² r(1−r) / (threshold − r)² with z = %.4f (one-sided %s), r = %s, threshold = %s → %,d requests",
                z, confidenceText(confidence), expectedRate, threshold, n));
    }

    /**
     * Observations for a distribution-free one-sided bound on the q-quantile: the largest of n observations exceeds
     * the q-quantile with probability 1 − qⁿ, so n ≥ ln(1−c) / ln(q); 459 for the P99 at 99 %.
     */
    public static Plan forQuantile(double q, double confidence) {
        checkConfidence(confidence);
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("quantile is " + q + "; allowed: between 0 and 1 (exclusive)");
        }
        long n = (long) Math.ceil(Math.log(1 - confidence) / Math.log(q) - 1e-9);
        return new Plan(n, String.format(Locale.ROOT,
                "a %s bound on the P%s needs 1 − %sⁿ ≥ %s, n = ln(1−c) / ln(q) → %,d observations",
                confidenceText(confidence), fmt(q * 100), fmt(q), fmt(confidence), n));
    }

    static double twoSidedZ(double confidence) {
        return STANDARD_NORMAL.inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    static void checkConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence is " + confidence + "; allowed: between 0 and 1 (exclusive), e.g. 0.99");
        }
    }

    static String confidenceText(double confidence) {
        return fmt(confidence * 100) + " %";
    }

    private static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
