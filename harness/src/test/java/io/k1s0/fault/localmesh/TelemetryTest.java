package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    private static Telemetry.Labels labels(String reporter, String code) {
        List<String> values = new ArrayList<>(Collections.nCopies(Telemetry.LABEL_NAMES.size(), "unknown"));
        values.set(0, reporter);
        values.set(Telemetry.LABEL_NAMES.indexOf("response_code"), code);
        return new Telemetry.Labels(values);
    }

    @Test
    void durationBucketsAreIstiosDefaultsExactly() {
        assertThat(Telemetry.DURATION_BUCKETS_MS).containsExactly(
                0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000);
    }

    @Test
    void bucketBoundsArePrintedLikeEnvoy() {
        assertThat(Telemetry.formatBound(0.5)).isEqualTo("0.5");
        assertThat(Telemetry.formatBound(1)).isEqualTo("1");
        assertThat(Telemetry.formatBound(600000)).isEqualTo("600000");
        assertThat(Telemetry.formatBound(1800000)).isEqualTo("1.8e+06");
        assertThat(Telemetry.formatBound(3600000)).isEqualTo("3.6e+06");
    }

    @Test
    void aValueOnABoundaryCountsInThatBucketAndBucketsAreCumulative() {
        Telemetry t = new Telemetry();
        Telemetry.Labels l = labels("source", "200");
        t.recordRequest(l, 0.5);
        t.recordRequest(l, 0.51);
        t.recordRequest(l, 1000);
        t.recordRequest(l, 4_000_000);
        String text = t.render();
        assertThat(bucket(text, "0.5")).as("le=0.5 holds 0.5").isEqualTo(1);
        assertThat(bucket(text, "1")).as("le=1 adds 0.51").isEqualTo(2);
        assertThat(bucket(text, "500")).isEqualTo(2);
        assertThat(bucket(text, "1000")).as("le=1000 adds 1000").isEqualTo(3);
        assertThat(bucket(text, "3.6e+06")).as("largest finite bucket").isEqualTo(3);
        assertThat(bucket(text, "+Inf")).as("+Inf holds everything").isEqualTo(4);
        assertThat(text).contains("istio_request_duration_milliseconds_count{").contains("} 4\n");
        assertThat(text).contains("istio_request_duration_milliseconds_sum{");
    }

    private static long bucket(String text, String le) {
        return text.lines().filter(line -> line.startsWith("istio_request_duration_milliseconds_bucket{") && line.contains(",le=\"" + le + "\"}"))
                .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void theExpositionHasHelpTypeAndTheStandardLabelsInIstiosOrder() {
        Telemetry t = new Telemetry();
        t.recordRequest(labels("destination", "503"), 3);
        String text = t.render();
        assertThat(text).contains("# HELP istio_requests_total ").contains("# TYPE istio_requests_total counter\n")
                .contains("# TYPE istio_request_duration_milliseconds histogram\n");
        String sample = text.lines().filter(l -> l.startsWith("istio_requests_total{")).findFirst().orElseThrow();
        assertThat(sample).startsWith("istio_requests_total{reporter=\"destination\",source_workload=\"unknown\",")
                .contains("response_code=\"503\"").endsWith("} 1");
        assertThat(Telemetry.LABEL_NAMES).contains("source_principal", "destination_principal", "destination_service_name",
                "destination_service_namespace", "request_protocol", "grpc_response_status", "response_flags",
                "connection_security_policy", "source_canonical_service", "destination_canonical_service");
    }

    @Test
    void envoyClusterStatsAreExportedWithClusterNameAndNoTotalSuffix() {
        Telemetry t = new Telemetry();
        String cluster = "outbound|80|stable|order-server.k1s0-service.svc.cluster.local";
        t.increment(cluster, "upstream_rq_retry", 2);
        t.increment(cluster, "upstream_rq_retry", 1);
        t.increment(cluster, "outlier_detection_ejections_enforced_total", 1);
        t.setGauge(cluster, "outlier_detection_ejections_active", 1);
        t.setGauge(cluster, "outlier_detection_ejections_active", 0);
        String text = t.render();
        assertThat(text).contains("# TYPE envoy_cluster_upstream_rq_retry counter\n")
                .contains("envoy_cluster_upstream_rq_retry{cluster_name=\"" + cluster + "\"} 3\n")
                .contains("envoy_cluster_outlier_detection_ejections_enforced_total{cluster_name=\"" + cluster + "\"} 1\n")
                .contains("# TYPE envoy_cluster_outlier_detection_ejections_active gauge\n")
                .contains("envoy_cluster_outlier_detection_ejections_active{cluster_name=\"" + cluster + "\"} 0\n");
    }

    @Test
    void eachLabelSetCountsItsOwnRequestsAndDurations() {
        Telemetry t = new Telemetry();
        for (int i = 0; i < 3; i++) {
            t.recordRequest(labels("source", "200"), 2);
        }
        t.recordRequest(labels("source", "503"), 700);
        String text = t.render();
        assertThat(sample(text, "istio_requests_total{", "200")).as("requests with 200").isEqualTo(3);
        assertThat(sample(text, "istio_requests_total{", "503")).as("requests with 503").isEqualTo(1);
        assertThat(sample(text, "istio_request_duration_milliseconds_count{", "200")).as("durations with 200").isEqualTo(3);
        assertThat(sample(text, "istio_request_duration_milliseconds_sum{", "503")).as("duration sum with 503").isEqualTo(700);
    }

    private static long sample(String text, String prefix, String code) {
        return text.lines().filter(l -> l.startsWith(prefix) && l.contains("response_code=\"" + code + "\""))
                .mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void clusterStatsAreRenderedSortedByNameThenClusterWhateverTheOrderTheyCameIn() {
        Telemetry t = new Telemetry();
        t.increment("outbound|80||b.ns.svc.cluster.local", "upstream_rq_total", 1);
        t.increment("outbound|80||a.ns.svc.cluster.local", "upstream_rq_total", 1);
        t.increment("outbound|80||a.ns.svc.cluster.local", "upstream_rq_retry", 1);
        t.setGauge("outbound|80||b.ns.svc.cluster.local", "outlier_detection_ejections_active", 0);
        t.setGauge("outbound|80||a.ns.svc.cluster.local", "outlier_detection_ejections_active", 0);
        List<String> samples = t.render().lines().filter(l -> l.startsWith("envoy_cluster_")).toList();
        assertThat(samples).as("a stable exposition: counters by name and cluster, then gauges").containsExactly(
                "envoy_cluster_upstream_rq_retry{cluster_name=\"outbound|80||a.ns.svc.cluster.local\"} 1",
                "envoy_cluster_upstream_rq_total{cluster_name=\"outbound|80||a.ns.svc.cluster.local\"} 1",
                "envoy_cluster_upstream_rq_total{cluster_name=\"outbound|80||b.ns.svc.cluster.local\"} 1",
                "envoy_cluster_outlier_detection_ejections_active{cluster_name=\"outbound|80||a.ns.svc.cluster.local\"} 0",
                "envoy_cluster_outlier_detection_ejections_active{cluster_name=\"outbound|80||b.ns.svc.cluster.local\"} 0");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(Telemetry.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    }
}
