package io.k1s0.fault.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.k1s0.fault.runner.LoopbackProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push end to end with the real Debian binaries: our PUT reaches a Pushgateway on 127.0.0.1, a Prometheus
 * scrapes it with honor_labels, and the values come back from Prometheus's HTTP API.
 */
class PushgatewayToPrometheusTest {

    private final List<LoopbackProcess> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stopWhatThisTestStarted() {
        started.forEach(LoopbackProcess::close);
    }

    @Test
    void pushedSummaryArrivesInPrometheusAndTheLatestRunReplacesTheLast(@TempDir Path dir) throws Exception {
        Path pushgatewayBin = RealPrometheus.require("prometheus-pushgateway");
        Path prometheusBin = RealPrometheus.require("prometheus");
        URI gateway = start("pushgateway", dir, LoopbackProcess.PUSHGATEWAY_READY, port -> List.of(pushgatewayBin.toString(),
                "--web.listen-address=127.0.0.1:" + port));

        PushgatewayClient client = new PushgatewayClient(gateway, Map.of(), HttpSettings.defaults());
        DeliveryResult first = client.push(SampleRuns.weekly("run-A"));
        assertThat(first.ok()).as("first push: %s", first.message()).isTrue();
        RunReport latest = SampleRuns.weekly("run-B");
        DeliveryResult second = client.push(latest);
        assertThat(second.ok()).as("second push: %s", second.message()).isTrue();

        String exposed = get(gateway.resolve("/metrics")).body();
        assertThat(exposed.lines().filter(l -> l.startsWith("fault_injection_run_info{")).toList())
                .as("PUT replaced the group: one run_info, the latest run").singleElement().asString()
                .contains("run_id=\"run-B\"").contains("job=\"fault-injection-weekly\"");

        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: pushgateway
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(gateway.getPort()));
        URI prometheus = start("prometheus", dir, LoopbackProcess.PROMETHEUS_READY, port -> List.of(prometheusBin.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port));

        JsonNode info = awaitSeries(prometheus, "fault_injection_run_info{job=\"fault-injection-weekly\"}");
        assertThat(info).as("one run_info series in Prometheus").hasSize(1);
        assertThat(info.get(0).get("metric").get("run_id").asText()).as("run id of the latest run").isEqualTo("run-B");
        assertThat(info.get(0).get("metric").get("job").asText()).as("job kept by honor_labels")
                .isEqualTo("fault-injection-weekly");

        JsonNode ratio = awaitSeries(prometheus, "fault_injection_run_error_ratio{job=\"fault-injection-weekly\",phase=\"injection\"}");
        assertThat(Double.parseDouble(ratio.get(0).get("value").get(1).asText())).as("injection error ratio")
                .isEqualTo(latest.phase("injection").orElseThrow().errorRatio());
        JsonNode success = awaitSeries(prometheus, "fault_injection_run_success{job=\"fault-injection-weekly\"}");
        assertThat(success.get(0).get("value").get(1).asText()).as("run_success").isEqualTo("0");
        JsonNode verdicts = awaitSeries(prometheus, "count by (result) (fault_injection_run_verdict{job=\"fault-injection-weekly\"})");
        assertThat(verdicts).extracting(v -> v.get("metric").get("result").asText() + "=" + v.get("value").get(1).asText())
                .as("the dashboard's verdict query").containsExactlyInAnyOrder("pass=3", "fail=1", "inconclusive=1");
    }

    private JsonNode awaitSeries(URI prometheus, String query) {
        URI uri = prometheus.resolve("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        return await("Prometheus has " + query).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> ReportJson.MAPPER.readTree(get(uri).body()).get("data").get("result"),
                        r -> r != null && r.size() > 0);
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI start(String name, Path dir, String readyLine, IntFunction<List<String>> commandOnPort) {
        LoopbackProcess process = LoopbackProcess.start(name, commandOnPort, dir.resolve(name + ".log"), readyLine);
        started.add(process);
        return process.url();
    }
}
