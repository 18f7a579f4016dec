package io.k1s0.fault.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The mesh's telemetry over one time window: for counters and histogram buckets the increase from window start to
 * window end (exact counts, no extrapolation), for gauges the value at the end. Series are keyed by their full
 * label set; {@link Selector}s pick and sum them.
 */
public final class MeshSnapshot {

    private final Instant start;
    private final Instant end;
    private final Map<String, Map<Map<String, String>, Double>> values;

    private MeshSnapshot(Instant start, Instant end, Map<String, Map<Map<String, String>, Double>> values) {
        this.start = start;
        this.end = end;
        Map<String, Map<Map<String, String>, Double>> copy = new TreeMap<>();
        values.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        this.values = Collections.unmodifiableMap(copy);
    }

    public static Builder builder(Instant start, Instant end) {
        return new Builder(start, end);
    }

    public Instant start() {
        return start;
    }

    public Instant end() {
        return end;
    }

    public Duration length() {
        return Duration.between(start, end);
    }

    /** Sum over the series of {@code metric} (its series name, e.g. {@code istio_requests_total}) that match. */
    public double sum(String seriesName, Selector selector) {
        double total = 0;
        for (Map.Entry<Map<String, String>, Double> e : series(seriesName).entrySet()) {
            if (selector.matches(e.getKey())) {
                total += e.getValue();
            }
        }
        return total;
    }

    public double sum(MeshMetric metric, Selector selector) {
        return sum(metric.seriesName(), selector);
    }

    /** {@code sum by (label)}: matching series summed per value of {@code label} (missing label → ""). */
    public Map<String, Double> sumBy(MeshMetric metric, Selector selector, String label) {
        Map<String, Double> out = new TreeMap<>();
        series(metric.seriesName()).forEach((labels, v) -> {
            if (selector.matches(labels)) {
                out.merge(labels.getOrDefault(label, ""), v, Double::sum);
            }
        });
        return out;
    }

    /** {@code sum by (le)} of a histogram's {@code _bucket} series that match. */
    public Buckets buckets(MeshMetric histogram, Selector selector) {
        if (histogram.kind() != MeshMetric.Kind.HISTOGRAM) {
            throw new IllegalArgumentException("metric " + histogram.promName() + " is a " + histogram.kind()
                    + "; buckets exist only for HISTOGRAM metrics: " + histogramNames());
        }
        Map<Double, Double> byLe = new HashMap<>();
        series(histogram.seriesName()).forEach((labels, v) -> {
            if (selector.matches(labels)) {
                byLe.merge(PromNumbers.parse(labels.get("le")), v, Double::sum);
            }
        });
        return new Buckets(byLe);
    }

    /** A histogram's buckets per label set ({@code le} removed), e.g. one entry per reporter and workload pair. */
    public Map<Map<String, String>, Buckets> bucketsByLabelSet(MeshMetric histogram) {
        Map<Map<String, String>, Buckets> out = new LinkedHashMap<>();
        for (Map<String, String> labels : labelSets(histogram)) {
            Selector exact = Selector.all();
            for (Map.Entry<String, String> e : labels.entrySet()) {
                exact = exact.eq(e.getKey(), e.getValue());
            }
            out.put(labels, buckets(histogram, exact));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Every series of {@code seriesName} with its window value, in stable order. */
    public Map<Map<String, String>, Double> series(String seriesName) {
        return values.getOrDefault(seriesName, Map.of());
    }

    /** The distinct label sets of a metric, {@code le} removed for histograms; for failure messages. */
    public List<Map<String, String>> labelSets(MeshMetric metric) {
        List<Map<String, String>> sets = new ArrayList<>();
        for (Map<String, String> labels : series(metric.seriesName()).keySet()) {
            Map<String, String> copy = new TreeMap<>(labels);
            if (metric.kind() == MeshMetric.Kind.HISTOGRAM) {
                copy.remove("le");
            }
            if (!sets.contains(copy)) {
                sets.add(Collections.unmodifiableMap(copy));
            }
        }
        sets.sort((a, b) -> a.toString().compareTo(b.toString()));
        return Collections.unmodifiableList(sets);
    }

    /** All series names held, sorted. */
    public List<String> seriesNames() {
        return List.copyOf(values.keySet());
    }

    private static String histogramNames() {
        StringBuilder sb = new StringBuilder();
        for (MeshMetric m : MeshMetric.values()) {
            if (m.kind() == MeshMetric.Kind.HISTOGRAM) {
                sb.append(sb.length() == 0 ? "" : ", ").append(m.promName());
            }
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MeshSnapshot && ((MeshSnapshot) o).values.equals(values)
                && ((MeshSnapshot) o).start.equals(start) && ((MeshSnapshot) o).end.equals(end);
    }

    @Override
    public int hashCode() {
        return Objects.hash(start, end, values);
    }

    @Override
    public String toString() {
        return "MeshSnapshot[" + start + " .. " + end + ", " + values + "]";
    }

    /** Collects window values series by series; adding the same series twice sums the values. */
    public static final class Builder {
        private final Instant start;
        private final Instant end;
        private final Map<String, Map<Map<String, String>, Double>> values = new TreeMap<>();

        private Builder(Instant start, Instant end) {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (end.isBefore(start)) {
                throw new IllegalArgumentException("window end " + end + " is before its start " + start
                        + "; allowed: end >= start");
            }
            this.start = start;
            this.end = end;
        }

        public Builder add(String seriesName, Map<String, String> labels, double value) {
            values.computeIfAbsent(seriesName, k -> new LinkedHashMap<>())
                    .merge(Collections.unmodifiableMap(new TreeMap<>(labels)), value, Double::sum);
            return this;
        }

        /** Adds a histogram's cumulative buckets for one label set: upper bound → cumulative count. */
        public Builder addHistogram(MeshMetric histogram, Map<String, String> labels, Map<Double, Double> cumulative) {
            cumulative.forEach((le, count) -> {
                Map<String, String> withLe = new TreeMap<>(labels);
                withLe.put("le", PromNumbers.format(le));
                add(histogram.seriesName(), withLe, count);
            });
            return this;
        }

        public MeshSnapshot build() {
            return new MeshSnapshot(start, end, values);
        }
    }
}
