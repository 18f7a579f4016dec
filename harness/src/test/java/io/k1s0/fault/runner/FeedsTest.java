package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.report.RunReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feeds reach a local server standing in for Pushgateway and Grafana; a dead endpoint is reported, not thrown. */
class FeedsTest {

    private HttpServer server;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @TempDir
    Path reports;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
                byte[] answer = exchange.getRequestURI().getPath().equals("/api/annotations")
                        ? "{\"id\": 42}".getBytes(StandardCharsets.UTF_8) : new byte[0];
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static RunReport report() {
        Instant t = Instant.parse("2026-11-23T01:00:00Z");
        return RunReport.builder("feeds-test", "weekly", "local").window(t, t.plusSeconds(60)).faultWindow(t.plusSeconds(10), t.plusSeconds(50))
                .expectation(new RunReport.Expectation("p99 below 1000ms", RunReport.Verdict.PASS, "ms", 1000.0, 300.0,
                        null, null, 500, 299, "ok"))
                .cleanup(new RunReport.Cleanup(true, List.of(), "none left")).build();
    }

    @Test
    void grafanaGetsTheFaultWindowAndThePushgatewayTheSummary() {
        Experiment.Reporting reporting = new Experiment.Reporting(new Experiment.Pushgateway(base()),
                new Experiment.Grafana(base(), new Experiment.SecretRef("GRAFANA_TOKEN", null)), null, null);
        StringWriter out = new StringWriter();
        Feeds feeds = new Feeds(reporting, new PrintWriter(out), Map.of("GRAFANA_TOKEN", "glsa_test_token"));

        feeds.faultsOn("feeds-test", "weekly", Instant.parse("2026-11-23T01:00:10Z"));
        feeds.faultsOff(Instant.parse("2026-11-23T01:00:50Z"));
        feeds.finish(report(), reports);

        assertThat(calls).as("requests the local stand-in received").hasSize(3);
        assertThat(calls.get(0)).as("annotation start").startsWith("POST /api/annotations Bearer glsa_test_token ")
                .contains("\"dashboardUID\":\"fault-injection-results\"").contains("run:feeds-test");
        assertThat(calls.get(1)).as("annotation end").startsWith("PATCH /api/annotations/42 Bearer glsa_test_token ")
                .contains("\"timeEnd\":" + Instant.parse("2026-11-23T01:00:50Z").toEpochMilli());
        assertThat(calls.get(2)).as("Pushgateway PUT: grouping key job only, no experiment or run id")
                .startsWith("PUT /metrics/job/fault-injection-weekly ");
        assertThat(out.toString()).as("printed delivery lines").doesNotContain("FAILED").doesNotContain("glsa_test_token");
    }

    @Test
    void aMissingTokenOrADeadPushgatewayIsReportedAndNeverThrown() {
        Experiment.Reporting reporting = new Experiment.Reporting(new Experiment.Pushgateway(URI.create("http://127.0.0.1:9")),
                new Experiment.Grafana(base(), new Experiment.SecretRef("GRAFANA_TOKEN", null)), null, null);
        StringWriter out = new StringWriter();
        Feeds feeds = new Feeds(reporting, new PrintWriter(out), Map.of());

        feeds.faultsOn("feeds-test", "weekly", Instant.now());
        feeds.finish(report(), reports);

        assertThat(out.toString()).as("printed outcome")
                .contains("grafana: not annotated: environment variable GRAFANA_TOKEN is unset or blank")
                .contains("FAILED");
        assertThat(calls).as("nothing reached Grafana without a token").isEmpty();
    }
}
