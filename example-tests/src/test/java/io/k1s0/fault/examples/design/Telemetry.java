package io.k1s0.fault.examples.design;

import static org.awaitility.Awaitility.await;

import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.MetricsWindow;
import io.k1s0.fault.metrics.Selector;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/** Counts read from a window's snapshot of Istio's standard metrics, by reporter and edge. */
final class Telemetry {
    private Telemetry() {}

    /** {@code istio_requests_total{reporter="source", source_workload=caller, destination_service_name=target}}. */
    static Selector source(String caller, String target) {
        return Selector.all().eq("reporter", "source").eq("source_workload", caller).eq("destination_service_name", target);
    }

    /** The same edge as the server's sidecars report it (one series entry per upstream attempt). */
    static Selector destination(String caller, String target) {
        return Selector.all().eq("reporter", "destination").eq("source_workload", caller).eq("destination_service_name", target);
    }

    static long requests(MeshSnapshot s, Selector selector) {
        return Math.round(s.sum(MeshMetric.REQUESTS, selector));
    }

    /** Request counts by {@code label} in the window; label values that saw no request in it are left out. */
    static Map<String, Double> requestsBy(MeshSnapshot s, Selector selector, String label) {
        Map<String, Double> seen = new TreeMap<>(s.sumBy(MeshMetric.REQUESTS, selector, label));
        seen.values().removeIf(v -> v == 0);
        return seen;
    }

    /**
     * The scrape {@code instance} of the sidecar that reported {@code caller}'s requests (reporter=source series are
     * written by the caller's own sidecar): the label that scopes Envoy cluster stats to that one proxy.
     */
    static String instanceOf(MeshSnapshot s, String caller) {
        Map<String, Double> byInstance = requestsBy(s, Selector.all().eq("reporter", "source").eq("source_workload", caller), "instance");
        if (byInstance.size() != 1) {
            throw new IllegalStateException("expected the requests of " + caller + " from exactly one sidecar in this window, found " + byInstance);
        }
        return byInstance.keySet().iterator().next();
    }

    /** An Envoy cluster stat of one sidecar ({@link #instanceOf}) for the clusters of {@code host}. */
    static long clusterStat(MeshSnapshot s, MeshMetric metric, String host, String instance) {
        return Math.round(s.sum(metric, Selector.all().eq("instance", instance)
                .regex("cluster_name", "outbound\\|[0-9]+\\|[^|]*\\|" + host + "\\..*")));
    }

    /** An Envoy cluster counter of every sidecar for clusters of {@code host} (e.g. {@code upstream_rq_retry}). */
    static long clusterStat(MeshSnapshot s, MeshMetric metric, String host) {
        return Math.round(s.sum(metric, Selector.all().regex("cluster_name", "outbound\\|[0-9]+\\|[^|]*\\|" + host + "\\..*")));
    }

    /**
     * Re-reads the window until {@code count} reaches {@code atLeast}: a server's sidecar reports a request when
     * the app has answered, which may be just after the caller got its answer (or gave up on that try).
     */
    static MeshSnapshot awaitAtLeast(MetricsWindow window, String why, ToLongFunction<MeshSnapshot> count, long atLeast) {
        return await(why).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(window::close, snap -> count.applyAsLong(snap) >= atLeast);
    }
}
