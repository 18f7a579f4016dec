package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.verdict.Plan;
import java.util.Locale;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.Assumptions;

/**
 * Binomial judgements (99.99 %) on counts that are not fault fractions (routing weights, mirror share, retry share):
 * Wilson score intervals from Hipparchus, sample sizes from {@code SampleSizePlanner} plans. Too few samples
 * abort the test (reported as skipped with the plan), never pass it.
 */
final class Proportions {
    /**
     * 99.99 %: the suites make about twenty checks of a true value against an interval per run; at 99.9 % one would fail
     * by chance about every 50 runs, at 99.99 % about every 500.
     */
    static final double CONFIDENCE = 0.9999;

    /**
     * The fault-fraction verdicts' confidence ({@code atConfidence}) in the window tests: their windows are planned for
     * it, and a wider interval than their tolerance would make the verdict inconclusive rather than safer.
     */
    static final double FRACTION_CONFIDENCE = 0.999;

    private Proportions() {}

    /** Asserts that {@code k} of {@code n} is consistent with {@code expected} (0–1) at 99.99 % (Wilson). */
    static void assertConsistent(String what, long k, long n, double expected, Plan plan) {
        Assumptions.assumeTrue(n >= plan.requests(), () -> "inconclusive: " + what + " needs " + plan.requests()
                + " samples, had " + n + " (" + plan.explanation() + ")");
        ConfidenceInterval ci = BinomialProportion.getWilsonScoreInterval((int) n, (double) k / n, CONFIDENCE);
        assertThat(expected)
                .as("%s: observed %s (%d of %d), 99.99 %% Wilson interval [%s, %s], expected %s; plan: %s", what,
                        pct((double) k / n), k, n, pct(ci.getLowerBound()), pct(ci.getUpperBound()), pct(expected),
                        plan.explanation())
                .isBetween(ci.getLowerBound(), ci.getUpperBound());
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.3f %%", v * 100);
    }

    /**
     * Asserts that a rate of {@code k} in {@code n} is consistent with {@code expected} (0–1): the two-sided 99.99 %
     * Clopper-Pearson interval (Beta quantiles, exact also for k = 0) contains it.
     */
    static void assertRateConsistent(String what, long k, long n, double expected) {
        double lower = k == 0 ? 0 : new BetaDistribution(k, n - k + 1).inverseCumulativeProbability((1 - CONFIDENCE) / 2);
        double upper = k == n ? 1 : new BetaDistribution(k + 1, n - k).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
        assertThat(expected).as("%s: observed %s (%d of %d), 99.99 %% Clopper-Pearson interval [%s, %s], expected %s", what,
                pct((double) k / n), k, n, pct(lower), pct(upper), pct(expected)).isBetween(lower, upper);
    }
}
