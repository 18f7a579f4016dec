package io.k1s0.fault.localmesh;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A StatsSink that keeps counters and gauges by cluster and stat name. */
final class RecordingStats implements StatsSink {
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private final Map<String, Long> gauges = new ConcurrentHashMap<>();

    @Override
    public void increment(String clusterName, String stat, long amount) {
        counters.computeIfAbsent(clusterName + "/" + stat, k -> new AtomicLong()).addAndGet(amount);
    }

    @Override
    public void setGauge(String clusterName, String stat, long value) {
        gauges.put(clusterName + "/" + stat, value);
    }

    long counter(String clusterName, String stat) {
        AtomicLong v = counters.get(clusterName + "/" + stat);
        return v == null ? 0 : v.get();
    }

    boolean hasCounter(String clusterName, String stat) {
        return counters.containsKey(clusterName + "/" + stat);
    }

    boolean hasGauge(String clusterName, String stat) {
        return gauges.containsKey(clusterName + "/" + stat);
    }

    long gauge(String clusterName, String stat) {
        return gauges.getOrDefault(clusterName + "/" + stat, 0L);
    }
}
