package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * End-to-end conformance: every behaviour goes the whole way — a write to the embedded API, the control plane,
 * the caller's sidecar with the Envoy data plane ({@link DataPlane#DEFAULT}), the echo workload and both sides'
 * telemetry — and is judged only by what a user can see: responses, Prometheus text and Kubernetes Events.
 */
class LocalMeshConformanceTest {
    private static final String NS = "k1s0-service";
    private static final String HOST = "http://order-server." + NS + ":8080";
    private static final Duration PROPAGATION = Duration.ofSeconds(5);
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");

    private LocalMesh mesh;
    private HttpClient http;

    @BeforeEach
    void start() {
        mesh = LocalMesh.builder()
                .workload(WorkloadSpec.of("order-client", NS))
                .workload(new WorkloadSpec("order-server", NS, Map.of("version", "stable"), "order-server", 8080, 2, ""))
                .workload(new WorkloadSpec("order-server-canary", NS, Map.of("app", "order-server", "version", "canary"), "order-server", 8080, 1, ""))
                .start();
        URI proxy = mesh.proxyFor("order-client", NS);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort()))).build();
    }

    @AfterEach
    void stop() {
        mesh.close();
    }

    @Test
    @DisplayName("An abort fault written to the API answers FI on reporter=source and never reaches the destination")
    void abortFaultIsReportedBySourceOnlyWithFlagFi() throws Exception {
        apply(virtualService("""
                  - fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
                    route: [{destination: {host: order-server}}]
                """));
        await("abort in force").atMost(PROPAGATION).until(() -> get("/orders").statusCode() == 503);
        // Polls sent before the abort was in force reached a replica: count from here.
        double destinationBefore = sumAll(servers(), "istio_requests_total", Map.of("reporter", "destination"));
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/orders");
            assertThat(r.statusCode()).as("aborted request %d", i).isEqualTo(503);
            assertThat(r.body()).as("Envoy's abort body").isEqualTo("fault filter abort");
        }
        assertThat(sum(client(), "istio_requests_total", Map.of("reporter", "source", "response_code", "503", "response_flags", "FI")))
                .as("source-side 503 FI requests").isGreaterThanOrEqualTo(21);
        assertThat(sumAll(servers(), "istio_requests_total", Map.of("reporter", "destination")) - destinationBefore)
                .as("destination-side requests: an abort never leaves the caller's sidecar").isZero();
    }

    @Test
    @DisplayName("An abort percentage is a per-request coin flip (binomial interval)")
    void abortPercentageIsAPerRequestDraw() throws Exception {
        apply(virtualService("""
                  - fault: {abort: {httpStatus: 418, percentage: {value: 30}}}
                    route: [{destination: {host: order-server}}]
                """));
        await("abort in force").atMost(PROPAGATION).until(() -> get("/orders").statusCode() == 418);
        int n = 400;
        int aborted = 0;
        for (int i = 0; i < n; i++) {
            aborted += get("/orders").statusCode() == 418 ? 1 : 0;
        }
        ConfidenceInterval ci = MeshFixture.interval(n, aborted);
        assertThat(0.30).as("30 %% must lie in the 99.99 %% interval [%s, %s] of %d/%d aborted", ci.getLowerBound(), ci.getUpperBound(), aborted, n)
                .isBetween(ci.getLowerBound(), ci.getUpperBound());
    }

    @Test
    @DisplayName("A delay fault shows in the source's duration buckets, not in the destination's")
    void delayFaultShowsInSourceDurationBuckets() throws Exception {
        apply(virtualService("""
                  - fault: {delay: {fixedDelay: 300ms, percentage: {value: 100}}}
                    route: [{destination: {host: order-server}}]
                """));
        await("delay in force").atMost(PROPAGATION).until(() -> {
            get("/orders");
            return sum(client(), "istio_request_duration_milliseconds_count", Map.of("reporter", "source", "response_flags", "DI")) > 0;
        });
        double before = sum(client(), "istio_request_duration_milliseconds_count", Map.of("reporter", "source", "response_flags", "DI"));
        for (int i = 0; i < 5; i++) {
            assertThat(get("/orders").statusCode()).isEqualTo(200);
        }
        await("source telemetry of 5 delayed requests").atMost(PROPAGATION)
                .until(() -> sum(client(), "istio_request_duration_milliseconds_count", Map.of("reporter", "source", "response_flags", "DI")) >= before + 5);
        assertThat(sum(client(), "istio_request_duration_milliseconds_bucket", Map.of("reporter", "source", "response_flags", "DI", "le", "250")))
                .as("delayed requests under 250 ms at the source").isZero();
        assertThat(sum(client(), "istio_request_duration_milliseconds_bucket", Map.of("reporter", "source", "response_flags", "DI", "le", "+Inf")))
                .as("every delayed request counted").isEqualTo(sum(client(), "istio_request_duration_milliseconds_count",
                        Map.of("reporter", "source", "response_flags", "DI")));
        assertThat(sumAll(servers(), "istio_requests_total", Map.of("reporter", "destination", "response_flags", "DI")))
                .as("the destination never sees the delay flag").isZero();
    }

    @Test
    @DisplayName("Retries show as destination-side requests and envoy_cluster_upstream_rq_retry")
    void retriesAreVisibleAtTheDestinationAndInClusterStats() throws Exception {
        apply(virtualService("""
                  - retries: {attempts: 2, retryOn: 5xx}
                    route: [{destination: {host: order-server}}]
                """));
        await("retry policy in force").atMost(PROPAGATION).until(() -> {
            get("/orders?status=503:100");
            return sum(client(), "envoy_cluster_upstream_rq_retry", Map.of()) > 0;
        });
        double destBefore = sumAll(servers(), "istio_requests_total", Map.of("reporter", "destination", "response_code", "503"));
        double retriesBefore = sum(client(), "envoy_cluster_upstream_rq_retry", Map.of());
        double callerBefore = sum(client(), "istio_requests_total", Map.of("reporter", "source", "response_code", "503"));
        int n = 10;
        for (int i = 0; i < n; i++) {
            HttpResponse<String> r = get("/orders?status=503:100");
            assertThat(r.statusCode()).as("503 after retries").isEqualTo(503);
            assertThat(r.headers().firstValue("x-seen-attempt-count")).as("the last attempt's x-envoy-attempt-count").contains("3");
        }
        await("destination telemetry of every attempt").atMost(PROPAGATION).untilAsserted(() ->
                assertThat(sumAll(servers(), "istio_requests_total", Map.of("reporter", "destination", "response_code", "503")) - destBefore)
                        .as("1 + 2 attempts per request at the destinations").isEqualTo(3.0 * n));
        assertThat(sum(client(), "envoy_cluster_upstream_rq_retry", Map.of()) - retriesBefore).as("retries in the caller's cluster stats").isEqualTo(2.0 * n);
        assertThat(sum(client(), "envoy_cluster_upstream_rq_retry_limit_exceeded", Map.of())).as("retry limit exceeded").isGreaterThanOrEqualTo(n);
        assertThat(sum(client(), "istio_requests_total", Map.of("reporter", "source", "response_code", "503")) - callerBefore)
                .as("the caller sees one request per call, not per attempt").isEqualTo(n);
    }

    @Test
    @DisplayName("Weighted subsets split traffic per request (binomial interval), routed through a DestinationRule written to the API")
    void weightedSubsetsSplitTrafficPerRequest() throws Exception {
        apply(destinationRule(""));
        apply(virtualService(PROBE_ROUTE + """
                  - route:
                    - {destination: {host: order-server, subset: stable}, weight: 80}
                    - {destination: {host: order-server, subset: canary}, weight: 20}
                """));
        // Without the VirtualService a third of the requests reach canary too, so seeing canary proves nothing.
        awaitProbedVirtualServiceAndSubsets();
        int n = 500;
        int canary = 0;
        for (int i = 0; i < n; i++) {
            canary += "canary".equals(get("/orders").headers().firstValue("x-version").orElse("")) ? 1 : 0;
        }
        ConfidenceInterval ci = MeshFixture.interval(n, canary);
        assertThat(0.20).as("20 %% must lie in the 99.99 %% interval [%s, %s] of %d/%d to canary", ci.getLowerBound(), ci.getUpperBound(), canary, n)
                .isBetween(ci.getLowerBound(), ci.getUpperBound());
    }

    @Test
    @DisplayName("A mirror copies each request to canary (destination-side count there) while the caller only sees stable")
    void mirrorIsVisibleAsRequestsAtTheCanary() throws Exception {
        apply(destinationRule(""));
        apply(virtualService(PROBE_ROUTE + """
                  - route: [{destination: {host: order-server, subset: stable}}]
                    mirror: {host: order-server, subset: canary}
                    mirrorPercentage: {value: 100}
                """));
        URI canaryMetrics = metricsOf("order-server-canary-0");
        // Canary's own count grows without the VirtualService too (it is a third of the service), so probe instead.
        awaitProbedVirtualServiceAndSubsets();
        // The last 200 of that wait was mirrored too, fire-and-forget: count from when canary's count stands still.
        double[] seen = {-1};
        await("the copies sent so far reached canary").during(Duration.ofMillis(300)).atMost(PROPAGATION).until(() -> {
            double now = sum(canaryMetrics, "istio_requests_total", Map.of("reporter", "destination"));
            boolean still = now == seen[0];
            seen[0] = now;
            return still;
        });
        double before = sum(canaryMetrics, "istio_requests_total", Map.of("reporter", "destination"));
        int n = 20;
        for (int i = 0; i < n; i++) {
            assertThat(get("/orders").headers().firstValue("x-version")).as("the caller gets stable's answer").contains("stable");
        }
        await("every mirrored copy reached canary").atMost(PROPAGATION).untilAsserted(() ->
                assertThat(sum(canaryMetrics, "istio_requests_total", Map.of("reporter", "destination")) - before)
                        .as("requests canary received").isEqualTo(n));
        assertThat(sum(client(), "istio_requests_total", Map.of("reporter", "source", "destination_version", "canary")))
                .as("the caller's telemetry never shows the fire-and-forget copy").isZero();
    }

    @Test
    @DisplayName("A POST with Expect: 100-continue gets the sidecar's 100 Continue at once and its body reaches the workload")
    void expectContinueIsAnsweredByTheSidecar() throws Exception {
        String body = "x".repeat(4096);
        // The JDK's client sends the body only after a 100 Continue: a listener that does not answer it times this out.
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(HOST + "/orders")).expectContinue(true)
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("status of a POST with Expect: 100-continue").isEqualTo(200);
        assertThat(r.body()).as("the echo workload got the whole body").isEqualTo(body);
    }

    @Test
    @DisplayName("Outlier detection ejects the bad replica; envoy_cluster_outlier_detection_ejections_enforced_total counts it")
    void outlierDetectionEjectsTheBadReplica() throws Exception {
        mesh.close();
        mesh = LocalMesh.builder()
                .workload(WorkloadSpec.of("order-client", NS))
                .workload(new WorkloadSpec("order-server", NS, Map.of("version", "stable"), "order-server", 8080, 2, ""))
                .workload(new WorkloadSpec("order-server-bad", NS, Map.of("app", "order-server", "version", "bad"), "order-server", 8080, 1, "status=503:100"))
                .start();
        URI proxy = mesh.proxyFor("order-client", NS);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort()))).build();
        apply(destinationRule("""
                  trafficPolicy:
                    loadBalancer: {simple: ROUND_ROBIN}
                    outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 60s, maxEjectionPercent: 100}
                """));
        apply(virtualService("""
                  - retries: {attempts: 0}
                    route: [{destination: {host: order-server}}]
                """));
        await("the bad replica is ejected").atMost(Duration.ofSeconds(10)).until(() -> {
            get("/orders");
            return sum(client(), "envoy_cluster_outlier_detection_ejections_enforced_total", Map.of()) >= 1;
        });
        assertThat(sum(client(), "envoy_cluster_outlier_detection_ejections_active", Map.of())).as("hosts ejected now").isEqualTo(1);
        assertThat(sum(client(), "envoy_cluster_outlier_detection_ejections_enforced_consecutive_5xx", Map.of())).as("ejected for consecutive 5xx").isEqualTo(1);
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = get("/orders");
            assertThat(r.statusCode()).as("request %d after the ejection", i).isEqualTo(200);
            assertThat(r.headers().firstValue("x-version")).contains("stable");
        }
    }

    @Test
    @DisplayName("An invalid VirtualService is rejected with a RejectedConfig Event while traffic keeps the previous config")
    void invalidConfigIsRejectedWithAnEventWhileTrafficFlows() throws Exception {
        apply(virtualService(PROBE_ROUTE + """
                  - route: [{destination: {host: order-server}}]
                """));
        // Default routing answers 200 too: the probe route's 418 shows this VirtualService is the one in force.
        await("valid config in force").atMost(PROPAGATION).until(() -> send(HttpRequest.newBuilder(URI.create(HOST + "/orders"))
                .header("x-config-probe", "1")).statusCode() == 418);
        AtomicBoolean running = new AtomicBoolean(true);
        CompletableFuture<List<Integer>> traffic = CompletableFuture.supplyAsync(() -> {
            List<Integer> codes = new ArrayList<>();
            while (running.get() && codes.size() < 2_000) {
                codes.add(get("/orders").statusCode());
            }
            return codes;
        });
        apply(virtualService("""
                  - fault: {abort: {httpStatus: 700, percentage: {value: 100}}}
                    route: [{destination: {host: order-server}}]
                """));
        await("RejectedConfig Event").atMost(PROPAGATION).until(() -> rejections().stream()
                .anyMatch(e -> e.getMessage().contains("httpStatus") && e.getMessage().contains("700")));
        await("traffic continued after the rejection").atMost(PROPAGATION).until(() -> get("/orders").statusCode() == 200);
        running.set(false);
        List<Integer> codes = traffic.get();
        assertThat(codes).as("requests sent while the invalid config was written").isNotEmpty().containsOnly(200);
        Event event = rejections().get(0);
        assertThat(event.getInvolvedObject().getKind()).isEqualTo("VirtualService");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("order-server");
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getMessage()).as("the Event's message").contains("stays in force");
        assertThat(send(HttpRequest.newBuilder(URI.create(HOST + "/orders")).header("x-config-probe", "1")).statusCode())
                .as("the previous version's probe route still answers").isEqualTo(418);
    }

    // --- helpers -------------------------------------------------------------------------------------

    private List<Event> rejections() {
        return mesh.client().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> ControlPlane.REJECTED_REASON.equals(e.getReason())).toList();
    }

    /** A first route only a probe request matches: its 418 shows the VirtualService holding it is in the caller's sidecar. */
    private static final String PROBE_ROUTE = """
              - match: [{headers: {x-config-probe: {exact: "1"}}}]
                fault: {abort: {httpStatus: 418, percentage: {value: 100}}}
                route: [{destination: {host: order-server}}]
            """;

    /**
     * Waits until the VirtualService with {@link #PROBE_ROUTE} is in force and its subsets resolve: the DestinationRule
     * comes through its own watch, so a 200 on the subset routes (not 503 NC) is the sign that it arrived too.
     */
    private void awaitProbedVirtualServiceAndSubsets() {
        await("the probed VirtualService in force").atMost(PROPAGATION).until(() -> send(HttpRequest.newBuilder(URI.create(HOST + "/orders"))
                .header("x-config-probe", "1")).statusCode() == 418);
        await("the DestinationRule's subsets in force").atMost(PROPAGATION).until(() -> get("/orders").statusCode() == 200);
    }

    private static String virtualService(String httpRoutes) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: order-server, namespace: k1s0-service}
                spec:
                  hosts: [order-server]
                  http:
                """ + httpRoutes;
    }

    private static String destinationRule(String trafficPolicy) {
        return """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: order-server, namespace: k1s0-service}
                spec:
                  host: order-server
                  subsets:
                  - {name: stable, labels: {version: stable}}
                  - {name: canary, labels: {version: canary}}
                """ + trafficPolicy;
    }

    private void apply(String yaml) {
        try (InputStream in = new java.io.ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))) {
            mesh.client().load(in).items().forEach(r -> mesh.client().resource(r).createOr(op -> op.update()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(HOST + pathAndQuery)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI client() {
        return metricsOf("order-client-0");
    }

    private URI metricsOf(String pod) {
        return mesh.metricsEndpoints().stream().filter(m -> m.pod().equals(pod)).findFirst().orElseThrow().url();
    }

    private List<URI> servers() {
        return mesh.metricsEndpoints().stream().filter(m -> !m.workload().equals("order-client")).map(MetricsEndpoint::url).toList();
    }

    private double sumAll(List<URI> endpoints, String metric, Map<String, String> labels) {
        return endpoints.stream().mapToDouble(u -> sum(u, metric, labels)).sum();
    }

    /** Sum of the samples of {@code metric} whose labels include every given pair. */
    private double sum(URI metricsUrl, String metric, Map<String, String> labels) {
        String text;
        try {
            text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metricsUrl).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        double total = 0;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(metric)) {
                continue;
            }
            String labelText = m.group(3) == null ? "" : m.group(3);
            if (labels.entrySet().stream().allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""))) {
                total += Double.parseDouble(m.group(4));
            }
        }
        return total;
    }
}
