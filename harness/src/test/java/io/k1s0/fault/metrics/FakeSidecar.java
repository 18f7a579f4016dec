package io.k1s0.fault.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stand-in for a sidecar's {@code /stats/prometheus}: Istio request counters (with Istio's empty
 * {@code grpc_response_status=""} on HTTP requests) and duration histogram with Istio's default buckets, and Envoy
 * cluster stats, all values set by the test. Bound to 127.0.0.1 on a free port.
 */
final class FakeSidecar implements AutoCloseable {

    static final double[] ISTIO_BUCKETS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
        60000, 300000, 600000, 1800000, 3600000};
    static final String CLUSTER = "outbound|8080||order-server.k1s0.svc.cluster.local";

    private final HttpServer server;
    private final Map<String, Long> requests = new TreeMap<>();
    private final Map<String, long[]> durations = new TreeMap<>();
    private final Map<String, Double> durationSums = new TreeMap<>();
    private final Map<String, Long> envoy = new LinkedHashMap<>();

    FakeSidecar() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/stats/prometheus", exchange -> {
            byte[] body = render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/stats/prometheus");
    }

    String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Records one request as both the caller's ({@code source}) report and, unless aborted, the server's. */
    synchronized void request(int code, String flags, double millis) {
        record("source", code, flags, millis);
        if (!flags.contains("FI")) {
            record("destination", code, "-", flags.contains("DI") ? millis - 500 : millis);
        }
    }

    synchronized void envoy(String stat, long amount) {
        envoy.merge(stat, amount, Long::sum);
    }

    synchronized void envoyGauge(String stat, long value) {
        envoy.put(stat, value);
    }

    private void record(String reporter, int code, String flags, double millis) {
        String labels = "reporter=\"" + reporter + "\",source_workload=\"order-bff\",destination_service_name="
                + "\"order-server\",destination_workload=\"" + (flags.contains("FI") ? "unknown" : "order-server")
                + "\",response_code=\"" + code + "\",grpc_response_status=\"\",response_flags=\"" + flags + "\"";
        requests.merge(labels, 1L, Long::sum);
        String histLabels = "reporter=\"" + reporter + "\",source_workload=\"order-bff\",destination_service_name="
                + "\"order-server\"";
        long[] counts = durations.computeIfAbsent(histLabels, k -> new long[ISTIO_BUCKETS.length + 1]);
        for (int i = 0; i < ISTIO_BUCKETS.length; i++) {
            if (millis <= ISTIO_BUCKETS[i]) {
                counts[i]++;
            }
        }
        counts[ISTIO_BUCKETS.length]++;
        durationSums.merge(histLabels, millis, Double::sum);
    }

    private synchronized String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# TYPE istio_requests_total counter\n");
        requests.forEach((l, v) -> sb.append("istio_requests_total{").append(l).append("} ").append(v).append('\n'));
        sb.append("# TYPE istio_request_duration_milliseconds histogram\n");
        durations.forEach((l, counts) -> {
            for (int i = 0; i < ISTIO_BUCKETS.length; i++) {
                sb.append("istio_request_duration_milliseconds_bucket{").append(l).append(",le=\"")
                        .append(PromNumbers.format(ISTIO_BUCKETS[i])).append("\"} ").append(counts[i]).append('\n');
            }
            sb.append("istio_request_duration_milliseconds_bucket{").append(l).append(",le=\"+Inf\"} ")
                    .append(counts[ISTIO_BUCKETS.length]).append('\n');
            sb.append("istio_request_duration_milliseconds_sum{").append(l).append("} ")
                    .append(durationSums.get(l)).append('\n');
            sb.append("istio_request_duration_milliseconds_count{").append(l).append("} ")
                    .append(counts[ISTIO_BUCKETS.length]).append('\n');
        });
        envoy.forEach((stat, v) -> sb.append("envoy_cluster_").append(stat).append("{cluster_name=\"").append(CLUSTER)
                .append("\"} ").append(v).append('\n'));
        sb.append("envoy_server_uptime 42\n");
        return sb.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
