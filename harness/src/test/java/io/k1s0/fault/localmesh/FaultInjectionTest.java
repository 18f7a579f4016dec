package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjection;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {

    private static FaultInjection fault(String yaml) {
        return FaultInjection.of(Serialization.unmarshal(yaml, HTTPFaultInjection.class));
    }

    @Test
    void percentageIsADoubleTranslatedToPartsPerMillionWithTruncation() {
        FaultInjection f = fault("""
                delay: {fixedDelay: 500ms, percentage: {value: 0.1}}
                abort: {httpStatus: 503, percentage: {value: 12.34567}}
                """);

        assertThat(f.delay()).isEqualTo(Duration.ofMillis(500));
        assertThat(f.delayPerMillion()).as("0.1% as parts per million").isEqualTo(1000);
        assertThat(f.abortPerMillion()).as("12.34567% truncated to parts per million").isEqualTo(123456);
        assertThat(f.abortHttpStatus()).isEqualTo(503);
    }

    @Test
    void legacyIntegerPercentOnDelayIsUsedOnlyWithoutPercentage() {
        assertThat(fault("delay: {fixedDelay: 1s, percent: 10}").delayPerMillion()).isEqualTo(100_000);
        assertThat(fault("delay: {fixedDelay: 1s, percent: 10, percentage: {value: 1}}").delayPerMillion()).isEqualTo(10_000);
    }

    @Test
    void abortStatusOutsideEnvoysRangeIsAClearError() {
        assertThatThrownBy(() -> fault("abort: {httpStatus: 600, percentage: {value: 1}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fault.abort.httpStatus = 600")
                .hasMessageContaining("200..599");
    }

    @Test
    void percentageAbove100IsAClearError() {
        assertThatThrownBy(() -> fault("abort: {httpStatus: 503, percentage: {value: 150}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fault.abort.percentage = 150.0")
                .hasMessageContaining("0..100");
    }
}
