package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {

    private final Map<String, String> injected = Map.of("reporter", "source", "source_workload", "order-bff",
            "destination_service_name", "order-server", "response_code", "503", "response_flags", "DI,FI");

    @Test
    void flagsContainMatchesAFlagAnywhereInEnvoysCommaList() {
        Selector fi = Selector.all().flagsContain("FI");
        assertThat(fi.matches(injected)).as("DI,FI contains FI").isTrue();
        assertThat(fi.matches(Map.of("response_flags", "FI"))).isTrue();
        assertThat(fi.matches(Map.of("response_flags", "FI,URX"))).isTrue();
        assertThat(fi.matches(Map.of("response_flags", "-"))).isFalse();
        assertThat(fi.matches(Map.of("response_flags", "UFI"))).as("not a substring match").isFalse();
        assertThat(Selector.all().flagsLack("FI").matches(Map.of("response_flags", "DI"))).isTrue();
    }

    @Test
    void missingLabelMatchesAsEmptyStringLikePromQl() {
        assertThat(Selector.all().eq("pod", "").matches(injected)).isTrue();
        assertThat(Selector.all().ne("pod", "").matches(injected)).isFalse();
    }

    @Test
    void regexIsFullyAnchored() {
        assertThat(Selector.all().regex("response_code", "5..").matches(injected)).isTrue();
        assertThat(Selector.all().regex("response_code", "50").matches(injected)).as("anchored").isFalse();
        assertThat(Selector.all().notRegex("response_code", "5.*").matches(injected)).isFalse();
    }

    @Test
    void callerToTargetFromSourceReporterWithFiSelectsTheInjectedSeries() {
        Selector s = Selector.all().eq("reporter", "source").eq("source_workload", "order-bff")
                .eq("destination_service_name", "order-server").flagsContain("FI");
        assertThat(s.matches(injected)).isTrue();
        assertThat(s.and(Selector.all().eq("reporter", "destination")).matches(injected)).isFalse();
    }

    @Test
    void rendersAsPromQlWithEscapedValues() {
        Selector s = Selector.all().eq("reporter", "source").eq("path", "a\"b\\c").flagsContain("FI");
        assertThat(s.on("istio_requests_total")).isEqualTo(
                "istio_requests_total{reporter=\"source\",path=\"a\\\"b\\\\c\",response_flags=~\"(.*,)?FI(,.*)?\"}");
        assertThat(Selector.all().on("up")).isEqualTo("up");
    }

    @Test
    void badLabelNameOrFlagIsRejectedNamingTheValue() {
        assertThatThrownBy(() -> Selector.all().eq("bad-name", "x")).hasMessageContaining("'bad-name'")
                .hasMessageContaining("[a-zA-Z_][a-zA-Z0-9_]*");
        assertThatThrownBy(() -> Selector.all().flagsContain("fi")).hasMessageContaining("'fi'")
                .hasMessageContaining("FI, DI, UO, URX");
    }
}
