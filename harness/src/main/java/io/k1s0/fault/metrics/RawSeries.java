package io.k1s0.fault.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Instantaneous values of the collected series at one moment: series name → label set → value. */
final class RawSeries {

    private final Map<String, Map<Map<String, String>, Double>> values = new TreeMap<>();

    void put(String seriesName, Map<String, String> labels, double value) {
        values.computeIfAbsent(seriesName, k -> new LinkedHashMap<>())
                .merge(Collections.unmodifiableMap(new TreeMap<>(labels)), value, Double::sum);
    }

    Map<Map<String, String>, Double> of(String seriesName) {
        return values.getOrDefault(seriesName, Map.of());
    }

    int size() {
        return values.values().stream().mapToInt(Map::size).sum();
    }
}
