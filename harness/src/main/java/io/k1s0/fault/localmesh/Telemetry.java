package io.k1s0.fault.localmesh;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * One sidecar's metrics as its Envoy exports them on {@code /stats/prometheus}: Istio's standard
 * {@code istio_requests_total} and {@code istio_request_duration_milliseconds} for both reporters, and the
 * Envoy cluster stats the data plane reports through {@link StatsSink} as {@code envoy_cluster_<stat>}.
 *
 * <p>The exposition is written here rather than through a metrics library because it must match Envoy's
 * rendering: counters keep their exact names (Envoy appends no {@code _total}) and bucket bounds are
 * printed like Envoy prints them ({@code le="1"}, {@code le="3.6e+06"}).
 */
class Telemetry implements StatsSink {

    /** Istio's default label set, in the order Istio's stats filter emits it. */
    static final List<String> LABEL_NAMES = List.of(
            "reporter", "source_workload", "source_canonical_service", "source_canonical_revision",
            "source_workload_namespace", "source_principal", "source_app", "source_version", "source_cluster",
            "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app",
            "destination_version", "destination_service", "destination_canonical_service",
            "destination_canonical_revision", "destination_service_name", "destination_service_namespace",
            "destination_cluster", "request_protocol", "response_code", "grpc_response_status", "response_flags",
            "connection_security_policy");

    /** Istio's default histogram buckets in milliseconds (annotation {@code sidecar.istio.io/statsHistogramBuckets}). */
    static final double[] DURATION_BUCKETS_MS = {
        0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000
    };

    static final String REQUESTS_TOTAL = "istio_requests_total";
    static final String REQUEST_DURATION = "istio_request_duration_milliseconds";

    /** Label values in {@link #LABEL_NAMES} order. */
    record Labels(List<String> values) {
        Labels {
            if (values.size() != LABEL_NAMES.size()) {
                throw new IllegalArgumentException("expected " + LABEL_NAMES.size() + " label values, got " + values.size());
            }
            values = List.copyOf(values);
        }
    }

    private static final class Histogram {
        final LongAdder[] buckets = new LongAdder[DURATION_BUCKETS_MS.length];
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double ms) {
            for (int i = 0; i < DURATION_BUCKETS_MS.length; i++) {
                if (ms <= DURATION_BUCKETS_MS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(ms);
        }
    }

    private static final Map<String, String> STAT_NAMES = new ConcurrentHashMap<>();

    /** One label set's request count and durations: one look-up per request records both. */
    private static final class Series {
        final LongAdder requests = new LongAdder();
        final Histogram durations = new Histogram();
    }

    private final Map<Labels, Series> series = new ConcurrentHashMap<>();
    // stat -> cluster -> value. Hash maps, as these are counted on every request; render() sorts them for a stable exposition.
    private final Map<String, Map<String, LongAdder>> counters = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AtomicLong>> gauges = new ConcurrentHashMap<>();

    void recordRequest(Labels labels, double durationMs) {
        Series s = series.computeIfAbsent(labels, k -> new Series());
        s.requests.increment();
        s.durations.observe(durationMs);
    }

    @Override
    public void increment(String clusterName, String stat, long amount) {
        counters.computeIfAbsent(statName(stat), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(clusterName, k -> new LongAdder()).add(amount);
    }

    @Override
    public void setGauge(String clusterName, String stat, long value) {
        gauges.computeIfAbsent(statName(stat), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(clusterName, k -> new AtomicLong()).set(value);
    }

    private static String statName(String stat) {
        if (stat == null || stat.isBlank()) {
            throw new IllegalArgumentException("stat name is empty; expected an Envoy cluster stat such as upstream_rq_retry");
        }
        // Some stats are counted on every request: map each name once, not with a regex per call.
        return STAT_NAMES.computeIfAbsent(stat, s -> "envoy_cluster_" + s.replaceAll("[^A-Za-z0-9_]", "_"));
    }

    /** The Prometheus text exposition (format 0.0.4). */
    String render() {
        StringBuilder out = new StringBuilder(4096);
        if (!series.isEmpty()) {
            out.append("# HELP ").append(REQUESTS_TOTAL).append(" Requests seen by this proxy, by Istio's standard labels.\n");
            out.append("# TYPE ").append(REQUESTS_TOTAL).append(" counter\n");
            series.forEach((labels, value) -> {
                out.append(REQUESTS_TOTAL);
                appendLabels(out, labels, null);
                out.append(' ').append(value.requests.sum()).append('\n');
            });
            out.append("# HELP ").append(REQUEST_DURATION).append(" Request duration in milliseconds, by Istio's standard labels.\n");
            out.append("# TYPE ").append(REQUEST_DURATION).append(" histogram\n");
            series.forEach((labels, value) -> {
                Histogram h = value.durations;
                long cumulative = 0;
                for (int i = 0; i < DURATION_BUCKETS_MS.length; i++) {
                    cumulative += h.buckets[i].sum();
                    out.append(REQUEST_DURATION).append("_bucket");
                    appendLabels(out, labels, formatBound(DURATION_BUCKETS_MS[i]));
                    out.append(' ').append(cumulative).append('\n');
                }
                long count = h.count.sum();
                out.append(REQUEST_DURATION).append("_bucket");
                appendLabels(out, labels, "+Inf");
                out.append(' ').append(count).append('\n');
                out.append(REQUEST_DURATION).append("_sum");
                appendLabels(out, labels, null);
                out.append(' ').append(formatValue(h.sum.sum())).append('\n');
                out.append(REQUEST_DURATION).append("_count");
                appendLabels(out, labels, null);
                out.append(' ').append(count).append('\n');
            });
        }
        new TreeMap<>(counters).forEach((name, byCluster) -> {
            out.append("# TYPE ").append(name).append(" counter\n");
            new TreeMap<>(byCluster).forEach((cluster, v) -> appendClusterSample(out, name, cluster, v.sum()));
        });
        new TreeMap<>(gauges).forEach((name, byCluster) -> {
            out.append("# TYPE ").append(name).append(" gauge\n");
            new TreeMap<>(byCluster).forEach((cluster, v) -> appendClusterSample(out, name, cluster, v.get()));
        });
        return out.toString();
    }

    private static void appendClusterSample(StringBuilder out, String name, String cluster, long value) {
        out.append(name).append("{cluster_name=\"").append(escape(cluster)).append("\"} ").append(value).append('\n');
    }

    private static void appendLabels(StringBuilder out, Labels labels, String le) {
        out.append('{');
        for (int i = 0; i < LABEL_NAMES.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(LABEL_NAMES.get(i)).append("=\"").append(escape(labels.values().get(i))).append('"');
        }
        if (le != null) {
            out.append(",le=\"").append(le).append('"');
        }
        out.append('}');
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A bucket bound as Envoy prints it: shortest decimal below 1e6, {@code 1.8e+06} style above. */
    static String formatBound(double bound) {
        if (bound < 1e6) {
            return new BigDecimal(Double.toString(bound)).stripTrailingZeros().toPlainString();
        }
        int exponent = (int) Math.floor(Math.log10(bound));
        String mantissa = new BigDecimal(Double.toString(bound / Math.pow(10, exponent))).stripTrailingZeros().toPlainString();
        return mantissa + "e+" + (exponent < 10 ? "0" : "") + exponent;
    }

    private static String formatValue(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
