package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The benchmark's percentiles of hey's response times, which hey rounds to 0.1 ms. */
class HeyPercentileTest {

    @Test
    @DisplayName("One 0.1 ms step holding every value gives its own value at the middle rank")
    void singleStepReadsAsItsValue() {
        assertThat(SidecarHopBenchmark.percentile(steps(10, 100), 0.5)).as("P50 of 100 × 1.0 ms").isCloseTo(1.0, within(1e-9));
    }

    @Test
    @DisplayName("A percentile between two steps is placed by how far its rank reaches into the step")
    void rankIsInterpolatedWithinTheStep() {
        List<Long> values = new ArrayList<>(steps(9, 40));
        values.addAll(steps(10, 60));
        Collections.sort(values);
        // rank 50 of 100: 10 of the 60 values at 1.0 ms (0.95..1.05 ms) are below it
        assertThat(SidecarHopBenchmark.percentile(values, 0.5)).as("P50 of 40 × 0.9 ms and 60 × 1.0 ms")
                .isCloseTo(0.95 + 0.1 * 10 / 60, within(1e-9));
        assertThat(SidecarHopBenchmark.percentile(values, 0.4)).as("P40 sits at the top of the 0.9 ms step").isCloseTo(0.95, within(1e-9));
        assertThat(SidecarHopBenchmark.percentile(values, 0.99)).as("P99 near the top of the 1.0 ms step").isCloseTo(0.95 + 0.1 * 59 / 60, within(1e-9));
    }

    private static List<Long> steps(long tenthsOfMillis, int count) {
        return new ArrayList<>(Collections.nCopies(count, tenthsOfMillis));
    }
}
