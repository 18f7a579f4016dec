package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.TargetResolver;
import io.k1s0.fault.report.LiveMetrics;
import io.k1s0.fault.report.MetricsServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The run's own {@code /metrics} while it runs (fault active, phase, requests, errors, client P99 and the chaos
 * metric names of the platform), fed from the progress ticks. Without {@code --metrics-port} it only counts.
 */
final class LiveFeed implements AutoCloseable {

    private final LiveMetrics metrics;
    private final Optional<MetricsServer> server;
    private long sent;
    private long errors;

    LiveFeed(String experiment, List<TargetResolver.ResolvedTarget> targets, Optional<Integer> port) {
        this.metrics = new LiveMetrics(experiment, targets.stream()
                .map(t -> new LiveMetrics.Target(t.namespace(), t.service(), tier(t.namespace()))).toList());
        this.server = port.map(p -> MetricsServer.start(metrics, new InetSocketAddress(p)));
    }

    /** k1s0 namespaces are named after their tier: k1s0-system, k1s0-business, k1s0-service. */
    static String tier(String namespace) {
        return namespace.startsWith("k1s0-") ? namespace.substring("k1s0-".length()) : "unknown";
    }

    Optional<InetSocketAddress> address() {
        return server.map(MetricsServer::address);
    }

    synchronized void phase(String name) {
        metrics.phase(name);
        sent = 0;
        errors = 0;
    }

    void faultActive(boolean on) {
        metrics.faultActive(on);
    }

    /** Cumulative numbers of the current phase; the feed adds the difference since the last call. */
    synchronized void progress(PhaseDriver.Numbers n) {
        long dSent = Math.max(0, n.sent() - sent);
        long dErrors = Math.max(0, Math.min(dSent, n.errors() - errors));
        metrics.recordRequests(dSent, dErrors);
        sent = Math.max(sent, n.sent());
        errors += dErrors;
        metrics.clientP99(n.p99Millis());
    }

    void injected(String faultType, String service, long count) {
        metrics.faultInjected(faultType, service, count);
    }

    void finish(String result) {
        metrics.finish(result);
    }

    String scrape() {
        return metrics.scrape();
    }

    @Override
    public void close() {
        server.ifPresent(MetricsServer::close);
    }
}
