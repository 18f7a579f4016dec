package io.k1s0.fault.localmesh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * One Envoy cluster ({@code outbound|port|subset|fqdn}) as one sidecar holds it: its endpoints, load
 * balancer, connection pool and outlier detector. It outlives config snapshots while the cluster exists,
 * so ejections and in-flight counts carry over. Thread-safe (one lock; callers on many event loops).
 */
final class UpstreamCluster {
    static final List<String> ZERO_AT_CREATION = List.of(
            "upstream_rq_total", "upstream_rq_retry", "upstream_rq_retry_success", "upstream_rq_retry_overflow",
            "upstream_rq_retry_limit_exceeded", "upstream_rq_pending_overflow", "upstream_rq_timeout",
            "upstream_rq_per_try_timeout", "outlier_detection_ejections_enforced_total",
            "outlier_detection_ejections_enforced_consecutive_5xx", "outlier_detection_ejections_overflow");

    private final String name;
    private final StatsSink stats;
    private final LongSupplier clock;
    private final RandomGenerator random;
    private final OutlierDetector outlier;
    private final ConnectionPool pool = new ConnectionPool();
    private final Map<String, Integer> activePerHost = new HashMap<>();
    private List<Endpoint> endpoints = List.of();
    private ClusterPolicy policy = ClusterPolicy.DEFAULT;
    private long roundRobin;

    UpstreamCluster(String name, StatsSink stats, LongSupplier clock, RandomGenerator random) {
        this.name = name;
        this.stats = stats;
        this.clock = clock;
        this.random = random;
        this.outlier = new OutlierDetector(name, stats);
        // Envoy creates a cluster's stats at zero with the cluster, so rate()/increase() see the first event.
        for (String counter : ZERO_AT_CREATION) {
            stats.increment(name, counter, 0);
        }
        stats.setGauge(name, "outlier_detection_ejections_active", 0);
    }

    String name() {
        return name;
    }

    synchronized ClusterPolicy policy() {
        return policy;
    }

    synchronized void update(List<Endpoint> newEndpoints, ClusterPolicy newPolicy) {
        endpoints = List.copyOf(newEndpoints);
        policy = newPolicy;
        pool.limits(newPolicy.pool());
        outlier.update(newPolicy.outlier(), endpoints.stream().map(Endpoint::hostKey).collect(Collectors.toList()), clock.getAsLong());
    }

    /**
     * Picks a host: ejected hosts are skipped unless the healthy share is below minHealthPercent (panic);
     * with {@code avoid} (previous-hosts predicate) already tried hosts are skipped when another is left.
     * Null means no healthy upstream (503 UH).
     */
    synchronized Endpoint pick(Set<String> avoid) {
        outlier.advance(clock.getAsLong());
        if (endpoints.isEmpty()) {
            return null;
        }
        List<Endpoint> healthy = new ArrayList<>();
        for (Endpoint e : endpoints) {
            if (!outlier.isEjected(e.hostKey())) {
                healthy.add(e);
            }
        }
        boolean panic = 100.0 * healthy.size() / endpoints.size() < outlier.minHealthPercent();
        List<Endpoint> candidates = panic ? endpoints : healthy;
        if (candidates.isEmpty()) {
            return null;
        }
        if (!avoid.isEmpty()) {
            List<Endpoint> fresh = candidates.stream().filter(e -> !avoid.contains(e.hostKey())).collect(Collectors.toList());
            if (!fresh.isEmpty()) {
                candidates = fresh;
            }
        }
        return choose(candidates);
    }

    private Endpoint choose(List<Endpoint> candidates) {
        int n = candidates.size();
        switch (policy.lb()) {
            case ROUND_ROBIN:
                return candidates.get((int) Math.floorMod(roundRobin++, (long) n));
            case RANDOM:
                return candidates.get(random.nextInt(n));
            default:
                // Envoy's LEAST_REQUEST with equal weights: power of two random choices, fewer active wins.
                Endpoint a = candidates.get(random.nextInt(n));
                Endpoint b = candidates.get(random.nextInt(n));
                return activeOn(b) < activeOn(a) ? b : a;
        }
    }

    private int activeOn(Endpoint e) {
        return activePerHost.getOrDefault(e.hostKey(), 0);
    }

    synchronized ConnectionPool.Admission admit(Endpoint host, ConnectionPool.Waiter waiter) {
        ConnectionPool.Admission admission = pool.admit(waiter);
        if (admission == ConnectionPool.Admission.OVERFLOW) {
            stats.increment(name, "upstream_rq_pending_overflow", 1);
        } else {
            activePerHost.merge(host.hostKey(), 1, Integer::sum);
        }
        return admission;
    }

    /** Ends one request on {@code host} (admitted or queued); hands the freed slot to the next waiter. */
    void release(Endpoint host) {
        ConnectionPool.Waiter next;
        synchronized (this) {
            activePerHost.merge(host.hostKey(), -1, Integer::sum);
            next = pool.release();
        }
        if (next != null) {
            next.grant();
        }
    }

    /** A queued request gave up; true if it never got a slot (then nothing is to be released). */
    synchronized boolean cancelQueued(Endpoint host, ConnectionPool.Waiter waiter) {
        boolean wasQueued = pool.cancel(waiter);
        if (wasQueued) {
            activePerHost.merge(host.hostKey(), -1, Integer::sum);
        }
        return wasQueued;
    }

    synchronized boolean tryStartRetry() {
        boolean ok = pool.tryStartRetry();
        if (!ok) {
            stats.increment(name, "upstream_rq_retry_overflow", 1);
        }
        return ok;
    }

    synchronized void endRetry() {
        pool.endRetry();
    }

    synchronized void recordOutcome(Endpoint host, int status) {
        outlier.record(host.hostKey(), status, clock.getAsLong());
    }

    synchronized int ejectedHosts() {
        outlier.advance(clock.getAsLong());
        return outlier.ejectedCount();
    }

    synchronized boolean isEjected(Endpoint host) {
        outlier.advance(clock.getAsLong());
        return outlier.isEjected(host.hostKey());
    }
}
