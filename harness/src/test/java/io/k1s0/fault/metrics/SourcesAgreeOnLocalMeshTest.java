package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.MetricsEndpoint;
import io.k1s0.fault.localmesh.WorkloadSpec;
import io.k1s0.fault.traffic.Traffic;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.traffic.Vantage;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two metric sources read the same window of the real embedded local mesh: a real Prometheus scraping every
 * sidecar listed in the mesh's file_sd target file (scrape_interval 1s), through its HTTP API, and direct scrapes of
 * the same {@code /stats/prometheus} endpoints. Traffic leaves from order-bff's sidecar to order-server (2 replicas,
 * 20 % 503 and 30 % 120 ms from the app) through a VirtualService with 5 % injected aborts, 10 % × 300 ms injected
 * delays and retries on 5xx, and a DestinationRule that ejects on a 5xx. Every catalogue entry must give the same
 * count on both, P99s the same bucket, and Prometheus's own PromQL must agree; the counts must equal what was sent.
 */
class SourcesAgreeOnLocalMeshTest {

    private static final Logger LOG = LoggerFactory.getLogger(SourcesAgreeOnLocalMeshTest.class);
    private static final String NS = "k1s0-service";
    private static final Selector BFF_TO_SERVER =
            Selector.all().eq("source_workload", "order-bff").eq("destination_service_name", "order-server");
    /** Labels Prometheus attaches from the file_sd target groups; a direct scrape has no such source. */
    private static final Set<String> FILE_SD_TARGET_LABELS = Set.of("namespace", "pod", "workload");
    private static final Duration COVERAGE_DEADLINE = Duration.ofSeconds(15);
    private static final String ROUTING = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: order-server, namespace: k1s0-service}
            spec:
              host: order-server
              trafficPolicy:
                outlierDetection: {consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 120s, maxEjectionPercent: 50}
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: order-server, namespace: k1s0-service}
            spec:
              hosts: [order-server]
              http:
                - fault:
                    abort: {httpStatus: 503, percentage: {value: 5}}
                    delay: {fixedDelay: 300ms, percentage: {value: 10}}
                  retries: {attempts: 2, retryOn: 5xx}
                  route: [{destination: {host: order-server}}]
            """;

    private static LocalMesh mesh;
    private static LocalPrometheus prometheus;
    private static Traffic fromBff;
    private static RequestSpecification orders;
    /** {@code ?status=200} overrides the app's 503s, so these requests never trip outlier detection. */
    private static RequestSpecification healthyOrders;

    @BeforeAll
    static void start() throws IOException {
        mesh = LocalMesh.builder()
                .workload(WorkloadSpec.of("order-bff", NS))
                .workload(WorkloadSpec.of("order-server", NS).withReplicas(2).withDefaultEcho("status=503:20&delay=120ms:30"))
                .start();
        prometheus = LocalPrometheus.scrapingFileSd(mesh.fileSdPath());
        try (ByteArrayInputStream in = new ByteArrayInputStream(ROUTING.getBytes(StandardCharsets.UTF_8))) {
            mesh.client().load(in).items().forEach(r -> mesh.client().resource(r).create());
        }
        // generous connect timeout: on a loaded shared machine a connect to the proxy can take seconds
        fromBff = Traffic.from(Vantage.viaProxy(mesh.proxyFor("order-bff", NS))).connectTimeout(Duration.ofSeconds(10));
        orders = new RequestSpecBuilder().setBaseUri("http://order-server." + NS).setPort(80).setBasePath("/orders").build();
        healthyOrders = new RequestSpecBuilder().addRequestSpecification(orders).addQueryParam("status", "200").build();
        // the gate must not eject a replica (ejections are counted in the window): only the injected abort is a 5xx
        fromBff.probe(healthyOrders).atMost(Duration.ofSeconds(30)).every(Duration.ZERO)
                .untilSeen("an injected abort (the VirtualService is live)",
                        r -> r.statusCode() == 503 && r.body().asString().equals("fault filter abort"));
        int sidecars = mesh.metricsEndpoints().size();
        PrometheusApiSource api = prometheusSource();
        await("prometheus discovered and scraped all " + sidecars + " sidecars of the file_sd file " + mesh.fileSdPath())
                .atMost(COVERAGE_DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> api.queryValue("count(up{job=\"" + LocalPrometheus.JOB + "\"} == 1)", api.serverTime()) == sidecars);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (mesh != null) {
            mesh.close();
        }
    }

    private static PrometheusApiSource prometheusSource() {
        return new PrometheusApiSource(prometheus.base(), Selector.all().eq("job", LocalPrometheus.JOB), Selector.all(),
                COVERAGE_DEADLINE);
    }

    private static ScrapeSource scrapeSource() {
        List<URI> targets = mesh.metricsEndpoints().stream().map(MetricsEndpoint::url).toList();
        return new ScrapeSource(LocalPrometheus.JOB, targets, Duration.ofSeconds(5));
    }

    private static TrafficResult send(RequestSpecification spec, long requests) {
        return fromBff.send(spec).atRate(100).forRequests(requests).maxDuration(Duration.ofSeconds(10)).run();
    }

    @Test
    void bothSourcesGiveTheSameNumbersForAWindowOfRealMeshTraffic() {
        PrometheusApiSource viaApi = prometheusSource();
        MetricsWindow apiWindow = viaApi.open();
        MetricsWindow scrapeWindow = scrapeSource().open();
        TrafficResult sent = send(orders, 400);
        MeshSnapshot scraped = scrapeWindow.close();
        MeshSnapshot api = apiWindow.close();

        String table = CatalogueAgreement.assertAgree(viaApi, api, scraped, BFF_TO_SERVER);
        LOG.info("window {} .. {} ({} ms), {}; agreement:{}", api.start(), api.end(), api.length().toMillis(),
                sent.summary(), table);

        for (MeshMetric m : MeshMetric.values()) {
            assertThat(withoutTargetLabels(api.series(m.seriesName())))
                    .as("series of %s through the API (file_sd target labels %s removed) vs scraped", m.seriesName(),
                            FILE_SD_TARGET_LABELS)
                    .isEqualTo(scraped.series(m.seriesName()));
        }
        for (String label : List.of("response_code", "response_flags")) {
            Selector caller = PromQl.REQUESTS.selector(BFF_TO_SERVER);
            assertThat(api.sumBy(MeshMetric.REQUESTS, caller, label))
                    .as("reporter=source requests by %s through the API vs scraped", label)
                    .isEqualTo(scraped.sumBy(MeshMetric.REQUESTS, caller, label));
        }

        assertThat(sent.total().responses()).as("every request answered: %s", sent.summary()).isEqualTo(400);
        Map<String, Double> byCode = new TreeMap<>();
        sent.total().responsesByStatus().forEach((code, n) -> byCode.put(Integer.toString(code), n.doubleValue()));
        assertThat(api.sumBy(MeshMetric.REQUESTS, PromQl.REQUESTS.selector(BFF_TO_SERVER), "response_code"))
                .as("the caller's sidecar reported exactly the responses the driver got, by code").isEqualTo(byCode);
        assertThat(PromQl.INJECTED_ABORTS.evaluate(api, BFF_TO_SERVER)).as("injected aborts (FI) in the window").isPositive();
        assertThat(PromQl.INJECTED_DELAYS.evaluate(api, BFF_TO_SERVER)).as("injected delays (DI) in the window").isPositive();
        assertThat(PromQl.RETRIES.evaluate(api, Selector.all())).as("retries of the app's 503s").isPositive();
        assertThat(PromQl.EJECTIONS.evaluate(api, Selector.all())).as("a replica ejected after its first 5xx from the app")
                .isPositive();
        assertThat(PromQl.LATENCY_P99.evaluate(api, BFF_TO_SERVER))
                .as("the caller's P99 with 10 %% delayed by 300 ms lies above the 250 ms bucket bound")
                .isGreaterThan(250);
    }

    @Test
    void aRequestOutsideOneSourcesWindowMakesTheAgreementFail() {
        PrometheusApiSource viaApi = prometheusSource();
        MetricsWindow apiWindow = viaApi.open();
        MetricsWindow scrapeWindow = scrapeSource().open();
        send(healthyOrders, 20);
        MeshSnapshot scraped = scrapeWindow.close();
        send(healthyOrders, 1);
        MeshSnapshot api = apiWindow.close();

        assertThat(PromQl.REQUESTS.evaluate(api, BFF_TO_SERVER) - PromQl.REQUESTS.evaluate(scraped, BFF_TO_SERVER))
                .as("the API window holds the one extra request").isEqualTo(1.0);
        assertThatThrownBy(() -> CatalogueAgreement.assertAgree(viaApi, api, scraped, BFF_TO_SERVER))
                .as("a one-request mismatch is caught").isInstanceOf(AssertionError.class)
                .hasMessageContaining("REQUESTS: API snapshot vs scrape");
    }

    private static Map<Map<String, String>, Double> withoutTargetLabels(Map<Map<String, String>, Double> series) {
        Map<Map<String, String>, Double> out = new java.util.LinkedHashMap<>();
        series.forEach((labels, v) -> {
            Map<String, String> kept = new TreeMap<>(labels);
            assertThat(new TreeSet<>(labels.keySet())).as("Prometheus attached the file_sd target labels to %s", labels)
                    .containsAll(FILE_SD_TARGET_LABELS);
            kept.keySet().removeAll(FILE_SD_TARGET_LABELS);
            out.merge(kept, v, Double::sum);
        });
        return out;
    }
}
