package io.k1s0.fault.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultSpecTest {

    private static FaultSpec.Builder valid() {
        return FaultSpec.builder().target("order-server", "k1s0-service");
    }

    @Test
    void aValidSpecKeepsItsFields() {
        FaultSpec spec = valid().delay(10, Duration.ofMillis(500)).abort(5, 503)
                .headerMatch("x-test", FaultSpec.MatchKind.REGEX, "^on.*").sourceLabels(Map.of("app", "relay")).build();

        assertThat(spec.fqdn()).isEqualTo("order-server.k1s0-service.svc.cluster.local");
        assertThat(spec.delay()).contains(new FaultSpec.Delay(10, Duration.ofMillis(500)));
        assertThat(spec.abort()).contains(new FaultSpec.Abort(5, 503));
        assertThat(spec.sourceLabels()).containsEntry("app", "relay");
    }

    @Test
    void badServiceNameIsNamed() {
        assertThatThrownBy(() -> FaultSpec.builder().target("Order_Server", "k1s0-service").abort(5, 503).build())
                .hasMessageContaining("service: 'Order_Server' is not allowed; allowed: a DNS label");
    }

    @Test
    void missingNamespaceIsNamed() {
        assertThatThrownBy(() -> FaultSpec.builder().target("order-server", null).abort(5, 503).build())
                .hasMessageContaining("namespace: 'null' is not allowed");
    }

    @Test
    void aSpecWithoutDelayOrAbortIsRejected() {
        assertThatThrownBy(() -> valid().build())
                .hasMessageContaining("fault: neither delay nor abort given; allowed: delay, abort or both");
    }

    @Test
    void delayPercentAbove100IsRejected() {
        assertThatThrownBy(() -> valid().delay(100.5, Duration.ofMillis(500)).build())
                .hasMessageContaining("delay.percent: 100.5 is not allowed; allowed: 0-100");
    }

    @Test
    void abortPercentBelowZeroIsRejected() {
        assertThatThrownBy(() -> valid().abort(-1, 503).build())
                .hasMessageContaining("abort.percent: -1.0 is not allowed; allowed: 0-100");
    }

    @Test
    void fixedDelayBelowOneMillisecondIsRejected() {
        assertThatThrownBy(() -> valid().delay(10, Duration.ofNanos(999_999)).build())
                .hasMessageContaining("delay.fixedDelay: PT0.000999999S is not allowed; allowed: a duration >= 1ms");
    }

    @Test
    void httpStatus600IsRejectedBecauseEnvoyRejectsIt() {
        assertThatThrownBy(() -> valid().abort(5, 600).build())
                .hasMessageContaining("abort.httpStatus: 600 is not allowed; allowed: 200-599");
    }

    @Test
    void upperCaseHeaderNameIsRejected() {
        assertThatThrownBy(() -> valid().abort(5, 503).headerMatch("X-Test", FaultSpec.MatchKind.EXACT, "on").build())
                .hasMessageContaining("headerMatch.name: 'X-Test' is not allowed; allowed: a lower-case HTTP header name");
    }

    @Test
    void brokenHeaderRegexIsRejected() {
        assertThatThrownBy(() -> valid().abort(5, 503).headerMatch("x-test", FaultSpec.MatchKind.REGEX, "(").build())
                .hasMessageContaining("headerMatch.value: '(' is not allowed; allowed: a valid regular expression");
    }

    @Test
    void emptyHeaderValueIsRejected() {
        assertThatThrownBy(() -> valid().abort(5, 503).headerMatch("x-test", FaultSpec.MatchKind.EXACT, "").build())
                .hasMessageContaining("headerMatch.value: '' is not allowed; allowed: a non-empty string");
    }

    @Test
    void blankSourceLabelKeyIsRejected() {
        assertThatThrownBy(() -> valid().abort(5, 503).sourceLabels(Map.of(" ", "x")).build())
                .hasMessageContaining("sourceLabels: entry ' =x' is not allowed");
    }

    @Test
    void everyProblemIsListedOnItsOwnLine() {
        assertThatThrownBy(() -> FaultSpec.builder().target("order-server", "k1s0-service")
                .delay(200, Duration.ZERO).abort(5, 100).build())
                .hasMessage("invalid fault:\n"
                        + "  delay.percent: 200.0 is not allowed; allowed: 0-100\n"
                        + "  delay.fixedDelay: PT0S is not allowed; allowed: a duration >= 1ms\n"
                        + "  abort.httpStatus: 100 is not allowed; allowed: 200-599");
    }

    @Test
    void durationsAreWrittenInProtobufJsonForm() {
        assertThat(FaultRoutes.protoDuration(Duration.ofMillis(500))).isEqualTo("0.5s");
        assertThat(FaultRoutes.protoDuration(Duration.ofSeconds(7))).isEqualTo("7s");
        assertThat(FaultRoutes.protoDuration(Duration.ofMillis(1))).isEqualTo("0.001s");
    }
}
