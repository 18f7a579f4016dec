package io.k1s0.fault.verdict;

import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MeshSnapshot;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** Builds snapshots of an order-bff → order-server window with chosen counts. */
final class Windows {

    static final Instant START = Instant.parse("2026-11-23T01:00:00Z");
    static final Instant END = START.plusSeconds(60);
    static final String CLUSTER = "outbound|8080||order-server.k1s0.svc.cluster.local";

    private final MeshSnapshot.Builder b = MeshSnapshot.builder(START, END);

    static Windows window() {
        return new Windows();
    }

    Windows requests(String reporter, String code, String flags, long count) {
        Map<String, String> labels = new TreeMap<>(Map.of("reporter", reporter, "source_workload", "order-bff",
                "destination_service_name", "order-server", "response_code", code, "response_flags", flags));
        b.add(MeshMetric.REQUESTS.seriesName(), labels, count);
        return this;
    }

    /** Source-side histogram: {@code fast} observations in (25, 50], {@code slow} in (500, 1000]. */
    Windows sourceLatency(long fast, long slow) {
        return latency("source", fast, slow);
    }

    Windows destinationLatency(long fast, long slow) {
        return latency("destination", fast, slow);
    }

    private Windows latency(String reporter, long fast, long slow) {
        Map<Double, Double> cumulative = new TreeMap<>();
        double[] bounds = {25, 50, 100, 250, 500, 1000, 2500, Double.POSITIVE_INFINITY};
        for (double le : bounds) {
            cumulative.put(le, (double) ((le >= 50 ? fast : 0) + (le >= 1000 ? slow : 0)));
        }
        b.addHistogram(MeshMetric.REQUEST_DURATION, Map.of("reporter", reporter, "source_workload", "order-bff",
                "destination_service_name", "order-server"), cumulative);
        return this;
    }

    Windows envoy(MeshMetric metric, long value) {
        b.add(metric.seriesName(), Map.of("cluster_name", CLUSTER), value);
        return this;
    }

    FaultWindow.Builder edge() {
        return FaultWindow.of(b.build()).edge("order-bff", "order-server");
    }

    FaultWindow build() {
        return edge().build();
    }
}
