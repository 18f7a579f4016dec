package io.k1s0.fault.localmesh;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Envoy's outlier detector for one cluster of one sidecar (consecutive 5xx and gateway failures only; Istio
 * disables success-rate ejection). Not thread-safe: {@link UpstreamCluster} calls it under its lock.
 * Time is passed in, so tests drive it with a fake clock; interval sweeps run lazily on the interval grid.
 */
final class OutlierDetector {
    private final String clusterName;
    private final StatsSink stats;
    private final Map<String, HostState> hosts = new HashMap<>();
    private ClusterPolicy.OutlierConfig config;
    private long nextSweepNanos;
    private int active;

    private static final class HostState {
        int consecutive5xx;
        int consecutiveGateway;
        boolean ejected;
        long lastEjectionNanos;
        int ejectTimeBackoff;
    }

    OutlierDetector(String clusterName, StatsSink stats) {
        this.clusterName = clusterName;
        this.stats = stats;
    }

    /** Applies a (possibly changed) config and host set; a removed block un-ejects everything. */
    void update(ClusterPolicy.OutlierConfig newConfig, Collection<String> hostKeys, long now) {
        if (newConfig == null) {
            hosts.clear();
            setActive(0);
            config = null;
            return;
        }
        if (config == null || !config.interval().equals(newConfig.interval())) {
            nextSweepNanos = now + newConfig.interval().toNanos();
        }
        config = newConfig;
        hosts.keySet().retainAll(hostKeys);
        for (String key : hostKeys) {
            hosts.computeIfAbsent(key, k -> new HostState());
        }
        setActive((int) hosts.values().stream().filter(h -> h.ejected).count());
    }

    boolean enabled() {
        return config != null;
    }

    int minHealthPercent() {
        return config == null ? 0 : config.minHealthPercent();
    }

    boolean isEjected(String hostKey) {
        HostState h = hosts.get(hostKey);
        return h != null && h.ejected;
    }

    /** Runs the interval sweeps that are due by {@code now}. */
    void advance(long now) {
        if (config == null) {
            return;
        }
        long interval = config.interval().toNanos();
        while (nextSweepNanos <= now) {
            sweep(nextSweepNanos);
            nextSweepNanos += interval;
        }
    }

    private void sweep(long at) {
        long base = config.baseEjectionTime().toNanos();
        long max = config.maxEjectionTime().toNanos();
        for (HostState h : hosts.values()) {
            if (!h.ejected) {
                // Every sweep that finds the host in service takes one step off its ejection back-off (checkHostForUneject).
                if (h.ejectTimeBackoff > 0) {
                    h.ejectTimeBackoff--;
                }
                continue;
            }
            long ejectedFor = Math.min(base * h.ejectTimeBackoff, max);
            if (at - h.lastEjectionNanos >= ejectedFor) {
                h.ejected = false;
                h.consecutive5xx = 0;
                h.consecutiveGateway = 0;
                setActive(active - 1);
            }
        }
    }

    /**
     * Feeds one upstream result (an HTTP status, or the status Envoy maps a local-origin failure to:
     * connect failure/reset 503, timeout 504). Ejects inline on the Nth consecutive error.
     */
    void record(String hostKey, int status, long now) {
        if (config == null) {
            return;
        }
        advance(now);
        HostState h = hosts.get(hostKey);
        if (h == null) {
            return;
        }
        if (status < 500 || status > 599) {
            h.consecutive5xx = 0;
            h.consecutiveGateway = 0;
            return;
        }
        if (status == 502 || status == 503 || status == 504) {
            h.consecutiveGateway++;
            if (config.consecutiveGateway() > 0 && h.consecutiveGateway == config.consecutiveGateway()) {
                h.consecutiveGateway = 0;
                stats.increment(clusterName, "outlier_detection_ejections_detected_consecutive_gateway_failure", 1);
                eject(h, now, "outlier_detection_ejections_enforced_consecutive_gateway_failure");
            }
        } else {
            h.consecutiveGateway = 0;
        }
        h.consecutive5xx++;
        if (config.consecutive5xx() > 0 && h.consecutive5xx == config.consecutive5xx()) {
            h.consecutive5xx = 0;
            stats.increment(clusterName, "outlier_detection_ejections_detected_consecutive_5xx", 1);
            eject(h, now, "outlier_detection_ejections_enforced_consecutive_5xx");
        }
    }

    /**
     * Envoy refuses an ejection that would take the ejected share above max_ejection_percent, but always
     * allows one (current outlier.rst: "at least one host"); refused ones count as ejections_overflow.
     */
    private void eject(HostState h, long now, String enforcedStat) {
        if (h.ejected) {
            return;
        }
        double ejectedPercent = 100.0 * (active + 1) / hosts.size();
        if (ejectedPercent > config.maxEjectionPercent() && active > 0) {
            stats.increment(clusterName, "outlier_detection_ejections_overflow", 1);
            return;
        }
        long base = config.baseEjectionTime().toNanos();
        if ((long) h.ejectTimeBackoff * base < config.maxEjectionTime().toNanos() + base) {
            h.ejectTimeBackoff++;
        }
        h.ejected = true;
        h.lastEjectionNanos = now;
        setActive(active + 1);
        stats.increment(clusterName, "outlier_detection_ejections_enforced_total", 1);
        stats.increment(clusterName, enforcedStat, 1);
    }

    private void setActive(int value) {
        if (value != active) {
            active = value;
            stats.setGauge(clusterName, "outlier_detection_ejections_active", value);
        }
    }

    int ejectedCount() {
        return active;
    }
}
