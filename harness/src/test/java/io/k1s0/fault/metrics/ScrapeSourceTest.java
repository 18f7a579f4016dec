package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapeSourceTest {

    @Test
    void windowIsTheDeltaBetweenTwoScrapesWithJobAndInstanceLabels() throws Exception {
        try (FakeSidecar sidecar = new FakeSidecar()) {
            sidecar.request(200, "-", 12);
            ScrapeSource source = new ScrapeSource("mesh", List.of(sidecar.endpoint()), Duration.ofSeconds(5));
            MetricsWindow w = source.open();
            sidecar.request(503, "FI", 0.2);
            sidecar.request(200, "-", 30);
            MeshSnapshot s = w.close();

            Selector scope = Selector.all().eq("source_workload", "order-bff");
            assertThat(PromQl.REQUESTS.evaluate(s, scope)).isEqualTo(2.0);
            assertThat(PromQl.INJECTED_ABORTS.evaluate(s, scope)).isEqualTo(1.0);
            assertThat(s.labelSets(MeshMetric.REQUESTS)).allSatisfy(l -> assertThat(l)
                    .containsEntry("job", "mesh").containsEntry("instance", sidecar.hostPort()));
        }
    }

    @Test
    void emptyLabelValuesAreDroppedAsPrometheusDropsThem() throws Exception {
        try (FakeSidecar sidecar = new FakeSidecar()) {
            ScrapeSource source = new ScrapeSource("mesh", List.of(sidecar.endpoint()), Duration.ofSeconds(5));
            MetricsWindow w = source.open();
            sidecar.request(200, "-", 12);
            MeshSnapshot s = w.close();

            assertThat(s.labelSets(MeshMetric.REQUESTS)).as("the sidecar exposes grpc_response_status=\"\"; "
                    + "Prometheus stores such a series without the label, so the scrape must too")
                    .isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContainKey("grpc_response_status")
                            .containsEntry("response_code", "200"));
            assertThat(PromQl.REQUESTS.evaluate(s, Selector.all().eq("grpc_response_status", "")))
                    .as("an empty-value matcher still matches the series that lack the label").isEqualTo(1.0);
        }
    }

    @Test
    void badTargetsAreRejectedBeforeAnyScrape() {
        assertThatThrownBy(() -> new ScrapeSource("mesh", List.of(), Duration.ofSeconds(1)))
                .hasMessage("targets is []; allowed: one or more http(s) URIs");
        assertThatThrownBy(() -> new ScrapeSource("mesh", List.of(URI.create("/stats/prometheus")), Duration.ofSeconds(1)))
                .hasMessageContaining("target '/stats/prometheus' is not an absolute http(s) URI");
    }

    @Test
    void aNon200AnswerOrAnInvalidExpositionFailsNamingTheTarget() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/down", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        server.createContext("/garbage", ex -> {
            byte[] body = "istio_requests_total{reporter=source} 1\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThatThrownBy(() -> new ScrapeSource("mesh", List.of(URI.create(base + "/down")), Duration.ofSeconds(5)).open())
                    .hasMessageContaining(base + "/down answered HTTP 503");
            assertThatThrownBy(() -> new ScrapeSource("mesh", List.of(URI.create(base + "/garbage")), Duration.ofSeconds(5)).open())
                    .hasMessageContaining(base + "/garbage returned an invalid exposition").hasMessageContaining("line 1");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void snapshotSumsAcrossTargetsByLabel() {
        MeshSnapshot s = MeshSnapshot.builder(java.time.Instant.EPOCH, java.time.Instant.EPOCH.plusSeconds(1))
                .add("istio_requests_total", Map.of("instance", "a", "response_flags", "FI"), 2)
                .add("istio_requests_total", Map.of("instance", "b", "response_flags", "FI"), 3)
                .add("istio_requests_total", Map.of("instance", "b", "response_flags", "-"), 5).build();
        assertThat(s.sumBy(MeshMetric.REQUESTS, Selector.all(), "response_flags")).containsExactly(
                Map.entry("-", 5.0), Map.entry("FI", 5.0));
    }
}
