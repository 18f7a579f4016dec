package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class LocalPrometheusTest {

    @Test
    void missingBinaryFailsWhenTheEnvironmentRequiresPrometheus() {
        assertThatThrownBy(() -> LocalPrometheus.missingBinary("true")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FAULT_HARNESS_REQUIRE_PROMETHEUS=true");
    }

    @Test
    void missingBinarySkipsWithAVisibleReasonOtherwise() {
        assertThatThrownBy(() -> LocalPrometheus.missingBinary(null)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("no 'prometheus' binary on PATH");
    }
}
