package io.k1s0.fault.verdict;

import static io.k1s0.fault.verdict.MeshAssertions.assertThat;
import static io.k1s0.fault.verdict.MeshAssertions.percent;
import static io.k1s0.fault.verdict.Windows.window;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The Wilson interval at the edges: every request aborted, or none. */
class FractionEdgesTest {

    @Test
    void everyRequestAbortedIsConsistentWithOneHundredPercent() {
        FaultWindow w = window().requests("source", "503", "FI", 4000).build();
        assertThatCode(() -> assertThat(w).abortFraction().isConsistentWith(percent(100))).doesNotThrowAnyException();
    }

    @Test
    void noRequestAbortedIsConsistentWithZeroPercent() {
        FaultWindow w = window().requests("source", "200", "-", 4000).build();
        assertThatCode(() -> assertThat(w).abortFraction().isConsistentWith(percent(0))).doesNotThrowAnyException();
    }

    @Test
    void everyRequestAbortedIsNotConsistentWithNinetyPercent() {
        FaultWindow w = window().requests("source", "503", "FI", 4000).build();
        assertThatThrownBy(() -> assertThat(w).abortFraction().isConsistentWith(percent(90)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("excludes the configured 90");
    }
}
