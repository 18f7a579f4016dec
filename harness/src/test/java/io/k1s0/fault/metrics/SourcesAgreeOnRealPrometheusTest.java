package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two metric sources read the same fake sidecar over the same window: a real Prometheus (scrape_interval 1s)
 * through its HTTP API, and direct scrapes. Counts must agree exactly and equal what the test sent; P99 must agree
 * (same bucket); and Prometheus evaluating the catalogue's PromQL itself must give the same numbers.
 */
class SourcesAgreeOnRealPrometheusTest {

    private static final Logger LOG = LoggerFactory.getLogger(SourcesAgreeOnRealPrometheusTest.class);
    private static final Selector CALLER_TO_TARGET =
            Selector.all().eq("source_workload", "order-bff").eq("destination_service_name", "order-server");

    private static FakeSidecar sidecar;
    private static LocalPrometheus prometheus;

    @BeforeAll
    static void start() throws Exception {
        sidecar = new FakeSidecar();
        prometheus = LocalPrometheus.scraping(sidecar.hostPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (prometheus != null) {
            prometheus.close();
        }
        if (sidecar != null) {
            sidecar.close();
        }
    }

    private static PrometheusApiSource prometheusSource(Selector coverage, Duration deadline) {
        return new PrometheusApiSource(prometheus.base(), coverage, Selector.all(), deadline);
    }

    /** Sends {@code n} requests: 5 % aborted (503 FI), 10 % delayed 500 ms (DI); returns counts by outcome. */
    private static Map<String, Long> traffic(Random rnd, int n) {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            boolean delayed = rnd.nextDouble() < 0.10;
            boolean aborted = rnd.nextDouble() < 0.05;
            double base = 3 + rnd.nextDouble() * 60;
            String flags = delayed && aborted ? "DI,FI" : delayed ? "DI" : aborted ? "FI" : "-";
            int code = aborted ? 503 : (rnd.nextDouble() < 0.01 ? 500 : 200);
            sidecar.request(code, flags, (delayed ? 500 : 0) + (aborted ? 0.2 : base));
            counts.merge("all", 1L, Long::sum);
            counts.merge("FI", aborted ? 1L : 0L, Long::sum);
            counts.merge("DI", delayed ? 1L : 0L, Long::sum);
            counts.merge("5xx", code >= 500 ? 1L : 0L, Long::sum);
        }
        return counts;
    }

    @Test
    void bothSourcesGiveTheSameWindowAndMatchWhatWasSent() {
        Random rnd = new Random(20261125);
        traffic(rnd, 200); // before the window: must not be counted
        sidecar.envoy("upstream_rq_retry", 5);
        sidecar.envoy("outlier_detection_ejections_enforced_total", 1);
        sidecar.envoyGauge("outlier_detection_ejections_active", 0);

        PrometheusApiSource viaApi = prometheusSource(Selector.all().eq("job", LocalPrometheus.JOB), Duration.ofSeconds(20));
        ScrapeSource viaScrape = new ScrapeSource(LocalPrometheus.JOB, List.of(sidecar.endpoint()), Duration.ofSeconds(5));
        MetricsWindow apiWindow = viaApi.open();
        MetricsWindow scrapeWindow = viaScrape.open();

        Map<String, Long> sent = traffic(rnd, 1000);
        sidecar.envoy("upstream_rq_retry", 37);
        sidecar.envoy("upstream_rq_retry_success", 30);
        sidecar.envoy("upstream_rq_retry_limit_exceeded", 7);
        sidecar.envoy("outlier_detection_ejections_enforced_total", 2);
        sidecar.envoy("outlier_detection_ejections_enforced_consecutive_5xx", 2);
        sidecar.envoyGauge("outlier_detection_ejections_active", 1);

        MeshSnapshot scraped = scrapeWindow.close();
        MeshSnapshot api = apiWindow.close();

        for (MeshMetric m : MeshMetric.values()) {
            assertThat(api.series(m.seriesName())).as("series of %s through the API vs scraped", m.seriesName())
                    .isEqualTo(scraped.series(m.seriesName()));
        }
        assertThat(api.series("istio_requests_total")).as("window holds series").isNotEmpty();

        String table = CatalogueAgreement.assertAgree(viaApi, api, scraped, CALLER_TO_TARGET);
        LOG.info("window {} .. {} ({} ms); agreement:{}", api.start(), api.end(), api.length().toMillis(), table);

        assertThat(PromQl.REQUESTS.evaluate(api, CALLER_TO_TARGET)).as("requests sent in the window").isEqualTo(sent.get("all").doubleValue());
        assertThat(PromQl.INJECTED_ABORTS.evaluate(api, CALLER_TO_TARGET)).isEqualTo(sent.get("FI").doubleValue());
        assertThat(PromQl.INJECTED_DELAYS.evaluate(api, CALLER_TO_TARGET)).isEqualTo(sent.get("DI").doubleValue());
        assertThat(PromQl.ERRORS_5XX.evaluate(api, CALLER_TO_TARGET)).isEqualTo(sent.get("5xx").doubleValue());
        assertThat(PromQl.RETRIES.evaluate(api, Selector.all())).as("retries in the window only").isEqualTo(37.0);
        assertThat(PromQl.EJECTIONS.evaluate(api, Selector.all())).isEqualTo(2.0);
        Selector targetClusters = Selector.all().regex("cluster_name", "outbound\\|[0-9]+\\|[^|]*\\|order-server\\..*");
        assertThat(viaApi.queryValue(PromQl.RETRIES.promql(targetClusters, api.length()), api.end()))
                .as("a cluster_name regex with escaped '|' means the same in PromQL and in memory")
                .isEqualTo(PromQl.RETRIES.evaluate(scraped, targetClusters)).isEqualTo(37.0);
        assertThat(PromQl.EJECTIONS_ACTIVE.evaluate(api, Selector.all())).as("gauge at window end").isEqualTo(1.0);
        assertThat(PromQl.LATENCY_P99.evaluate(api, CALLER_TO_TARGET)).as("10 %% delayed by 500 ms puts P99 in (500, 1000]")
                .isGreaterThan(500).isLessThanOrEqualTo(1000);
    }

    @Test
    void queryRangeReturnsPointsAtEveryStep() {
        PrometheusApiSource api = prometheusSource(Selector.all().eq("job", LocalPrometheus.JOB), Duration.ofSeconds(20));
        Instant end = api.open().start(); // after at least one scrape
        List<PrometheusApiSource.RangeSeries> r = api.queryRange("up{job=\"" + LocalPrometheus.JOB + "\"}",
                end.minusSeconds(3), end, Duration.ofSeconds(1));
        assertThat(r).hasSize(1);
        assertThat(r.get(0).labels()).containsEntry("instance", sidecar.hostPort());
        assertThat(r.get(0).values()).as("up is 1 at each of the steps").isNotEmpty().allMatch(v -> v == 1.0);
    }

    @Test
    void waitingForCoverageOfAnUnscrapedJobTimesOutNamingIt() {
        PrometheusApiSource api = prometheusSource(Selector.all().eq("job", "no-such-job"), Duration.ofSeconds(2));
        assertThatThrownBy(api::open).isInstanceOf(ConditionTimeoutException.class)
                .hasMessageContaining("up{job=\"no-such-job\"}");
    }

    @Test
    void badQueryIsReportedWithPrometheusError() {
        PrometheusApiSource api = prometheusSource(Selector.all(), Duration.ofSeconds(2));
        assertThatThrownBy(() -> api.queryValue("sum(", api.serverTime())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bad_data");
    }

    @Test
    void badBaseUrlIsRejected() {
        assertThatThrownBy(() -> new PrometheusApiSource(URI.create("localhost:9090"), Selector.all(), Selector.all(),
                Duration.ofSeconds(1))).hasMessageContaining("'localhost:9090'").hasMessageContaining("http://127.0.0.1:9090");
    }
}
