package io.k1s0.fault.istio;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The design document's original order-server YAML, kept unchanged as a fixture. */
class DesignFixtureTest {

    private static final Path ORIGINAL = Path.of("src/test/resources/lint/design-original-order-server.yaml");

    @Test
    void theDesignsOriginalOrderServerYamlIsReportedWithFh001AndFh002() {
        ManifestLint.Result result = ManifestLint.lint(List.of(ORIGINAL), LintFixtures.NO_SCHEMAS);

        assertThat(result.inputErrors()).as("the original loads").isEmpty();
        assertThat(result.findings()).filteredOn(f -> f.ruleId().equals("FH001")).extracting(ManifestLint.Finding::resource)
                .as("all three VirtualServices for order-server").containsExactlyInAnyOrder(
                        "VirtualService k1s0-service/order-server", "VirtualService k1s0-service/order-server-fault-test",
                        "VirtualService k1s0-service/order-server-abort-test");
        assertThat(result.findings()).filteredOn(f -> f.ruleId().equals("FH002")).extracting(ManifestLint.Finding::resource)
                .as("both fault VirtualServices expect order-server's retries to act").containsExactlyInAnyOrder(
                        "VirtualService k1s0-service/order-server-fault-test",
                        "VirtualService k1s0-service/order-server-abort-test");
        assertThat(result.hasErrors()).as("FH001 is an error").isTrue();
    }
}
