package io.k1s0.fault.verdict;

import java.util.Locale;
import org.hipparchus.distribution.continuous.NormalDistribution;

/**
 * Turns expectations into request counts before traffic is sent, and tells an inconclusive verdict how far short it
 * fell. Normal quantiles and the binomial's Beta quantiles come from Hipparchus.
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
     * about {@code expectedRate}, by the exact binomial: the smallest n at which the expected errors, ⌈r·n⌉, still give a
     * one-sided Clopper-Pearson upper bound below the threshold (the bound the verdict uses). With an expected rate of 0
     * this is n = ln(1−c) / ln(1−threshold), e.g. 459 for 1 % at 99 %; an expected rate of 0.25 % needs 1,001 because three
     * errors are then expected. A normal approximation would ask for fewer requests than the zero-error case for rates
     * well below the threshold, which the verdict then cannot decide. An expected rate at or above the threshold cannot
     * be shown below it.
     */
    public static Plan forRateBelow(Ratio threshold, Ratio expectedRate, double confidence) {
        checkConfidence(confidence);
        double t = threshold.value();
        double r = expectedRate.value();
        if (t <= 0 || t >= 1) {
            throw new IllegalArgumentException("threshold is " + threshold + "; allowed: between 0 % and 100 % (exclusive)");
        }
        if (r == 0) {
            long n = zeroErrorRequests(t, confidence);
            return new Plan(n, String.format(Locale.ROOT,
                    "with no errors, n = ln(1−c) / ln(1−threshold) = ln(%s) / ln(1−%s) → %,d requests (exact binomial)",
                    fmt(1 - confidence), threshold, n));
        }
        if (r >= t) {
            return new Plan(Long.MAX_VALUE, "an expected rate of " + expectedRate + " is not below the threshold " + threshold
                    + ": no number of requests shows the rate below it");
        }
        long n = smallestDecidingN(t, r, confidence);
        long errors = expectedErrors(r, n);
        return new Plan(n, String.format(Locale.ROOT,
                "exact binomial: the smallest n at which the expected ⌈r·n⌉ errors, r = %s, still give a one-sided %s "
                        + "Clopper-Pearson upper bound below %s → %,d requests (%,d expected %s)",
                expectedRate, confidenceText(confidence), threshold, n, errors, errors == 1 ? "error" : "errors"));
    }

    /**
     * Doubling, then binary search, from the zero-error count up. The bound falls as n grows except for a small jump
     * wherever ⌈r·n⌉ goes up by one, so the search can land a few requests past the very first n that decides.
     */
    private static long smallestDecidingN(double threshold, double rate, double confidence) {
        long lo = zeroErrorRequests(threshold, confidence);
        long hi = lo;
        while (!decides(hi, threshold, rate, confidence)) {
            lo = hi + 1;
            hi = Math.multiplyExact(hi, 2);
        }
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            if (decides(mid, threshold, rate, confidence)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return hi;
    }

    /** No errors in n requests bound the rate below {@code threshold} once (1−threshold)ⁿ ≤ 1−c. */
    private static long zeroErrorRequests(double threshold, double confidence) {
        return (long) Math.ceil(Math.log(1 - confidence) / Math.log(1 - threshold) - 1e-9);
    }

    private static boolean decides(long n, double threshold, double rate, double confidence) {
        return Judge.clopperPearsonUpper(expectedErrors(rate, n), n, confidence) < threshold;
    }

    private static long expectedErrors(double rate, long n) {
        return (long) Math.ceil(rate * n - 1e-9);
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
