package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class LocalMonitoringTest {

    @Test
    void missingBinariesSkipWithTheReason() {
        assertThatThrownBy(() -> LocalMonitoring.requireBinariesOrSkip(tool -> tool.equals("prometheus")
                ? Optional.of(Path.of("/usr/bin/prometheus")) : Optional.empty(), null))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("[prometheus-pushgateway] not on PATH")
                .hasMessageContaining("apt-get install prometheus prometheus-pushgateway");
    }

    @Test
    void missingBinariesFailWhenPrometheusIsRequired() {
        assertThatThrownBy(() -> LocalMonitoring.requireBinariesOrSkip(tool -> Optional.empty(), "true"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("[prometheus, prometheus-pushgateway] not on PATH")
                .hasMessageContaining(Promtool.REQUIRE_ENV + "=true");
    }

    @Test
    void presentBinariesNeitherSkipNorFail() {
        LocalMonitoring.requireBinariesOrSkip(tool -> Optional.of(Path.of("/usr/bin", tool)), "true");
    }

    @Test
    void configScrapesSidecarsRunnerAndPushgatewayWithHonorLabels() throws Exception {
        JsonNode config = Json.YAML.readTree(LocalMonitoring.config(Path.of("/tmp/sd.json"), "127.0.0.1:9464",
                "127.0.0.1:9091"));
        assertThat(config.at("/global/scrape_interval").asText()).as("scrape interval").isEqualTo("1s");
        JsonNode jobs = config.get("scrape_configs");
        assertThat(jobs).as("scrape jobs").hasSize(3);
        assertThat(jobs.get(0).at("/file_sd_configs/0/files/0").asText()).as("sidecars from file_sd").isEqualTo("/tmp/sd.json");
        assertThat(jobs.get(1).at("/static_configs/0/targets/0").asText()).as("runner /metrics").isEqualTo("127.0.0.1:9464");
        assertThat(jobs.get(2).get("honor_labels").asBoolean()).as("Pushgateway job keeps the pushed job label").isTrue();
        assertThat(jobs.get(2).at("/static_configs/0/targets/0").asText()).as("Pushgateway target").isEqualTo("127.0.0.1:9091");
    }
}
