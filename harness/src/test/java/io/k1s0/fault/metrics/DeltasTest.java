package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeltasTest {

    private final Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
    private final Instant t1 = t0.plusSeconds(30);
    private final Map<String, String> ok = Map.of("reporter", "source", "response_code", "200");
    private final Map<String, String> fi = Map.of("reporter", "source", "response_code", "503", "response_flags", "FI");
    private final Map<String, String> cluster = Map.of("cluster_name", "outbound|8080||order-server.k1s0.svc.cluster.local");

    @Test
    void countersAreEndMinusStartAndNewSeriesCountFromZero() {
        RawSeries before = new RawSeries();
        before.put("istio_requests_total", ok, 100);
        RawSeries after = new RawSeries();
        after.put("istio_requests_total", ok, 160);
        after.put("istio_requests_total", fi, 3);

        MeshSnapshot s = Deltas.between(t0, before, t1, after);

        assertThat(s.sum(MeshMetric.REQUESTS, Selector.all().eq("response_code", "200"))).isEqualTo(60.0);
        assertThat(s.sum(MeshMetric.REQUESTS, Selector.all().flagsContain("FI"))).as("born in window").isEqualTo(3.0);
        assertThat(s.length().getSeconds()).isEqualTo(30);
    }

    @Test
    void aCounterLowerAtTheEndWasResetSoTheEndValueIsTheIncrease() {
        RawSeries before = new RawSeries();
        before.put("envoy_cluster_upstream_rq_retry", cluster, 40);
        RawSeries after = new RawSeries();
        after.put("envoy_cluster_upstream_rq_retry", cluster, 7);

        assertThat(Deltas.between(t0, before, t1, after).sum(MeshMetric.RETRIES, Selector.all())).isEqualTo(7.0);
    }

    @Test
    void gaugesTakeTheEndValue() {
        RawSeries before = new RawSeries();
        before.put("envoy_cluster_outlier_detection_ejections_active", cluster, 2);
        RawSeries after = new RawSeries();
        after.put("envoy_cluster_outlier_detection_ejections_active", cluster, 1);

        assertThat(Deltas.between(t0, before, t1, after).sum(MeshMetric.EJECTIONS_ACTIVE, Selector.all())).isEqualTo(1.0);
    }

    @Test
    void seriesOutsideTheCatalogueAreNotCollected() {
        RawSeries after = new RawSeries();
        after.put("envoy_server_uptime", Map.of(), 5);
        assertThat(Deltas.between(t0, new RawSeries(), t1, after).seriesNames()).isEmpty();
    }

    @Test
    void histogramBucketsAreSummedByLeAcrossSeries() {
        MeshSnapshot s = MeshSnapshot.builder(t0, t1)
                .addHistogram(MeshMetric.REQUEST_DURATION, Map.of("pod", "a"), Map.of(10.0, 1.0, Double.POSITIVE_INFINITY, 2.0))
                .addHistogram(MeshMetric.REQUEST_DURATION, Map.of("pod", "b"), Map.of(10.0, 3.0, Double.POSITIVE_INFINITY, 4.0))
                .build();
        assertThat(s.buckets(MeshMetric.REQUEST_DURATION, Selector.all()).cumulative())
                .containsExactly(Map.entry(10.0, 4.0), Map.entry(Double.POSITIVE_INFINITY, 6.0));
        assertThat(s.labelSets(MeshMetric.REQUEST_DURATION)).as("le is not part of a label set")
                .containsExactly(Map.of("pod", "a"), Map.of("pod", "b"));
        assertThat(s.bucketsByLabelSet(MeshMetric.REQUEST_DURATION).get(Map.of("pod", "b")).cumulative())
                .containsExactly(Map.entry(10.0, 3.0), Map.entry(Double.POSITIVE_INFINITY, 4.0));
    }
}
