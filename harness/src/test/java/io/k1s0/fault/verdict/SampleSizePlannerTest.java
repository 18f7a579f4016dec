package io.k1s0.fault.verdict;

import static io.k1s0.fault.verdict.MeshAssertions.percent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SampleSizePlannerTest {

    @Test
    void fivePercentWithinOnePointAt99PercentNeeds3152Requests() {
        Plan plan = SampleSizePlanner.forFraction(percent(5), percent(1), 0.99);
        assertThat(plan.requests()).isEqualTo(3152);
        assertThat(plan.explanation()).isEqualTo(
                "n = z² p(1−p) / tol² with z = 2.5758 (two-sided 99 %), p = 5.00 %, tol = ±1.00 % → 3,152 requests");
    }

    @Test
    void zeroErrorsBelowOnePercentAt99PercentNeeds459Requests() {
        Plan plan = SampleSizePlanner.forRateBelow(percent(1), percent(0), 0.99);
        assertThat(plan.requests()).isEqualTo(459);
        assertThat(plan.explanation()).isEqualTo(
                "with no errors, n = ln(1−c) / ln(1−threshold) = ln(0.01) / ln(1−1.00 %) → 459 requests (exact binomial)");
    }

    @Test
    void expectedRateNearTheThresholdNeedsMoreRequests() {
        long far = SampleSizePlanner.forRateBelow(percent(1), percent(0.2), 0.99).requests();
        long near = SampleSizePlanner.forRateBelow(percent(1), percent(0.8), 0.99).requests();
        assertThat(near).as("closer to the threshold needs more").isGreaterThan(far);
        assertThat(SampleSizePlanner.forRateBelow(percent(1), percent(1), 0.99).requests()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aSmallExpectedRateNeedsAtLeastTheZeroErrorCountAndThePlanDecidesWhenItsErrorsAreSeen() {
        // A normal approximation planned 247 requests for 0.25 % below 1 %: fewer than the 459 that zero errors need,
        // and 788 requests with two errors were still inconclusive.
        Plan plan = SampleSizePlanner.forRateBelow(percent(1), percent(0.25), 0.99);
        assertThat(plan.requests()).as("requests for 0.25 %% below 1 %% at 99 %%").isEqualTo(1_001);
        assertThat(plan.explanation()).isEqualTo("exact binomial: the smallest n at which the expected ⌈r·n⌉ errors, r = 0.25 %, "
                + "still give a one-sided 99 % Clopper-Pearson upper bound below 1.00 % → 1,001 requests (3 expected errors)");
        assertThat(Judge.clopperPearsonUpper(3, 1_001, 0.99)).as("upper bound with the plan's 3 errors in 1,001").isLessThan(0.01);
        assertThat(Judge.clopperPearsonUpper(3, 1_000, 0.99)).as("upper bound with 3 errors in one request fewer").isGreaterThanOrEqualTo(0.01);
        long zeroErrors = SampleSizePlanner.forRateBelow(percent(1), percent(0), 0.99).requests();
        for (double r : new double[] {0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9}) {
            assertThat(SampleSizePlanner.forRateBelow(percent(1), percent(r), 0.99).requests())
                    .as("requests for %s %% below 1 %%, against %d for zero errors", r, zeroErrors).isGreaterThanOrEqualTo(zeroErrors);
        }
        assertThat(SampleSizePlanner.forRateBelow(percent(1), percent(0.0125), 0.99).explanation()).as("one error, singular")
                .endsWith("(1 expected error)");
    }

    @Test
    void anExpectedRateAtOrAboveTheThresholdCannotBePlanned() {
        assertThat(SampleSizePlanner.forRateBelow(percent(1), percent(2), 0.99).requests()).isEqualTo(Long.MAX_VALUE);
        assertThat(SampleSizePlanner.forRateBelow(percent(1), percent(2), 0.99).explanation())
                .isEqualTo("an expected rate of 2.00 % is not below the threshold 1.00 %: no number of requests shows the rate below it");
        assertThat(SampleSizePlanner.forRateBelow(percent(1), percent(100), 0.99).requests()).as("every request failing").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void p99At99PercentNeeds459Observations() {
        assertThat(SampleSizePlanner.forQuantile(0.99, 0.99).requests()).isEqualTo(459);
    }

    @Test
    void badInputsNameTheValueAndTheAllowedRange() {
        assertThatThrownBy(() -> SampleSizePlanner.forFraction(percent(5), percent(1), 99))
                .hasMessage("confidence is 99.0; allowed: between 0 and 1 (exclusive), e.g. 0.99");
        assertThatThrownBy(() -> SampleSizePlanner.forFraction(percent(5), percent(0), 0.99))
                .hasMessage("tolerance is 0.00 %; allowed: more than 0 %");
        assertThatThrownBy(() -> percent(120)).hasMessage("percent is 120.0; allowed: 0 to 100");
    }
}
