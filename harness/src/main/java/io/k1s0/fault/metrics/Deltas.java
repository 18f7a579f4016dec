package io.k1s0.fault.metrics;

import java.time.Instant;
import java.util.Map;

/**
 * The one place that turns two readings into a window, used by both sources so they cannot drift apart. Counters
 * and buckets: end − start; a series first seen at the end started from 0 (Istio creates series on first use); a
 * value lower at the end than at the start means the proxy restarted, so the end value is the increase
 * (Prometheus's reset rule). Gauges: the end value.
 */
final class Deltas {

    private Deltas() {}

    static MeshSnapshot between(Instant start, RawSeries atStart, Instant end, RawSeries atEnd) {
        MeshSnapshot.Builder b = MeshSnapshot.builder(start, end);
        for (MeshMetric metric : MeshMetric.values()) {
            String name = metric.seriesName();
            for (Map.Entry<Map<String, String>, Double> e : atEnd.of(name).entrySet()) {
                double endValue = e.getValue();
                double value;
                if (metric.kind() == MeshMetric.Kind.GAUGE) {
                    value = endValue;
                } else {
                    Double startValue = atStart.of(name).get(e.getKey());
                    value = startValue == null || endValue < startValue ? endValue : endValue - startValue;
                }
                b.add(name, e.getKey(), value);
            }
        }
        return b.build();
    }
}
