package io.k1s0.fault.metrics;

/**
 * Every metric family a {@link MetricsSource} collects, with Istio's and Envoy's exact Prometheus names. Both sources
 * collect exactly this list, so their snapshots hold the same series.
 */
public enum MeshMetric {
    REQUESTS("istio_requests_total", Kind.COUNTER),
    REQUEST_DURATION("istio_request_duration_milliseconds", Kind.HISTOGRAM),
    RETRIES("envoy_cluster_upstream_rq_retry", Kind.COUNTER),
    RETRY_SUCCESS("envoy_cluster_upstream_rq_retry_success", Kind.COUNTER),
    RETRY_OVERFLOW("envoy_cluster_upstream_rq_retry_overflow", Kind.COUNTER),
    RETRY_LIMIT_EXCEEDED("envoy_cluster_upstream_rq_retry_limit_exceeded", Kind.COUNTER),
    PENDING_OVERFLOW("envoy_cluster_upstream_rq_pending_overflow", Kind.COUNTER),
    EJECTIONS_ENFORCED("envoy_cluster_outlier_detection_ejections_enforced_total", Kind.COUNTER),
    EJECTIONS_ACTIVE("envoy_cluster_outlier_detection_ejections_active", Kind.GAUGE),
    EJECTIONS_CONSECUTIVE_5XX("envoy_cluster_outlier_detection_ejections_enforced_consecutive_5xx", Kind.COUNTER);

    /** How a window's value is formed: counters and histogram buckets as end minus start, gauges at the end. */
    public enum Kind { COUNTER, GAUGE, HISTOGRAM }

    private final String promName;
    private final Kind kind;

    MeshMetric(String promName, Kind kind) {
        this.promName = promName;
        this.kind = kind;
    }

    /** The family name; for a histogram the base name without {@code _bucket}. */
    public String promName() {
        return promName;
    }

    public Kind kind() {
        return kind;
    }

    /** The series name a source stores: {@code <name>_bucket} for histograms, else the name itself. */
    public String seriesName() {
        return kind == Kind.HISTOGRAM ? promName + "_bucket" : promName;
    }
}
