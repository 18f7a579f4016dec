package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void retryNWaitsUniformlyBelowTwoToTheNMinusOneTimes25MillisCappedAt250() {
        SplittableRandom random = new SplittableRandom(7);
        long[] bounds = {25, 75, 175, 250, 250, 250};
        int n = 2000;
        for (int retry = 1; retry <= bounds.length; retry++) {
            long bound = bounds[retry - 1];
            long max = 0;
            int belowHalf = 0;
            for (int i = 0; i < n; i++) {
                long wait = Backoff.millis(retry, random);
                assertThat(wait).as("wait of retry %d", retry).isBetween(0L, bound - 1);
                max = Math.max(max, wait);
                if (wait < bound / 2.0) {
                    belowHalf++;
                }
            }
            ConfidenceInterval ci = MeshFixture.interval(n, belowHalf);
            assertThat(0.5).as("uniform: half of retry %d waits below %s ms, interval %s", retry, bound / 2.0, ci)
                    .isBetween(ci.getLowerBound(), ci.getUpperBound());
            assertThat(max).as("the range is used up to its top for retry %d", retry).isGreaterThanOrEqualTo(bound * 9 / 10);
        }
    }
}
