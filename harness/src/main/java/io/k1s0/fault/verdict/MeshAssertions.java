package io.k1s0.fault.verdict;

import java.time.Duration;
import org.assertj.core.annotation.CheckReturnValue;

/**
 * Entry point of the verdicts: {@code assertThat(window).abortFraction().isConsistentWith(percent(5))}. A failed
 * verdict throws {@link org.opentest4j.AssertionFailedError}; too few samples throws
 * {@link org.opentest4j.TestAbortedException} with the plan ("need ≥ 3,152 requests, had 800"), so the test is
 * reported as skipped, never as passed.
 */
@CheckReturnValue
public final class MeshAssertions {

    private MeshAssertions() {}

    public static FaultWindowAssert assertThat(FaultWindow window) {
        return new FaultWindowAssert(window);
    }

    /** {@code percent(5)}: 5 %, allowed 0–100. */
    public static Ratio percent(double percent) {
        return Ratio.percent(percent);
    }

    public static Duration millis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("millis is " + millis + "; allowed: 0 or more");
        }
        return Duration.ofMillis(millis);
    }
}
