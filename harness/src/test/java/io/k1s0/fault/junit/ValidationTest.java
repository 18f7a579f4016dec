package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k1s0.fault.istio.FaultSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Declarations become fault specs, or a message naming what was written and what is allowed. */
class ValidationTest {

    private static final String AT = "@DelayFault on SomeCase.m()";

    @ParameterizedTest
    @CsvSource({"500ms, 500", "1.5s, 1500", "2m, 120000", "1h, 3600000", "1ms, 1"})
    void durationsInIstioUnitsAreAccepted(String text, long millis) {
        assertThat(Validation.duration(AT, text)).as("parsed '%s'", text).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"500", "500 ms", "0.5ms", "0ms", "1d", "-1s", ""})
    void durationsWithoutUnitBelowOneMillisecondOrInUnknownUnitsAreRejected(String text) {
        assertThatThrownBy(() -> Validation.duration(AT, text))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith(AT + ": fixedDelay is '" + text + "'; allowed: a duration like 500ms, 1.5s, 2m or 1h");
    }

    @Test
    void aDelayAndAnAbortOnOneHostBecomeOneSpec() {
        List<FaultSpec> specs = Validation.specs(List.of(
                FaultDeclaration.delay(AT, "order-server", "k1s0-service", 10, "500ms", Optional.empty()),
                FaultDeclaration.abort("@AbortFault on SomeCase.m()", "order-server", "k1s0-service", 5, 503, Optional.empty())));

        assertThat(specs).as("specs").hasSize(1);
        assertThat(specs.get(0).delay()).as("delay").contains(new FaultSpec.Delay(10, Duration.ofMillis(500)));
        assertThat(specs.get(0).abort()).as("abort").contains(new FaultSpec.Abort(5, 503));
    }

    @Test
    void faultsOnTwoHostsOrTwoHeaderScopesStaySeparate() {
        List<FaultSpec> specs = Validation.specs(List.of(
                FaultDeclaration.abort(AT, "order-server", "k1s0-service", 5, 503, Optional.empty()),
                FaultDeclaration.abort(AT, "order-server", "k1s0-service", 50, 503,
                        Optional.of(new FaultDeclaration.Header("x-canary", "true", "", ""))),
                FaultDeclaration.abort(AT, "payment-server", "k1s0-service", 5, 503, Optional.empty())));

        assertThat(specs).extracting(FaultSpec::service).as("one spec per host and header scope")
                .containsExactly("order-server", "order-server", "payment-server");
        assertThat(specs.get(1).headerMatch()).as("scope of the second")
                .contains(new FaultSpec.HeaderMatch("x-canary", FaultSpec.MatchKind.EXACT, "true"));
    }

    @Test
    void anUpperCaseHeaderNameIsRejected() {
        assertThatThrownBy(() -> Validation.specs(List.of(FaultDeclaration.abort(AT, "order-server", "k1s0-service", 5, 503,
                Optional.of(new FaultDeclaration.Header("X-Canary", "true", "", ""))))))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage(AT + ": when.name is 'X-Canary'; allowed: a lower-case HTTP header name (Istio matches lower-case names only)");
    }

    @Test
    void anInvalidHeaderRegexIsRejected() {
        assertThatThrownBy(() -> Validation.specs(List.of(FaultDeclaration.abort(AT, "order-server", "k1s0-service", 5, 503,
                Optional.of(new FaultDeclaration.Header("x-canary", "", "", "(unclosed"))))))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageStartingWith(AT + ": when.regex is '(unclosed'; allowed: a valid regular expression (");
    }

    @Test
    void aHostThatIsNotAServiceNameIsRejected() {
        assertThatThrownBy(() -> Validation.specs(List.of(
                FaultDeclaration.abort(AT, "Order_Server", "k1s0-service", 5, 503, Optional.empty()))))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage(AT + ": host is 'Order_Server'; allowed: a Service name (DNS-1123 label: lower-case letters, digits, '-', at most 63)");
    }

    @Test
    void aFractionalPercentIsShownAsWritten() {
        assertThatThrownBy(() -> Validation.specs(List.of(
                FaultDeclaration.abort(AT, "order-server", "k1s0-service", -0.5, 503, Optional.empty()))))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage(AT + ": percent is -0.5; allowed: 0 to 100");
    }
}
