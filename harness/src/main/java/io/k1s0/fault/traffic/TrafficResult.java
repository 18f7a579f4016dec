package io.k1s0.fault.traffic;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of a traffic run: per-phase results, their total, a bounded per-second series and why the run
 * stopped. Immutable and safe to share; memory does not grow with the request count.
 */
public final class TrafficResult {

    private final String vantage;
    private final String request;
    private final Map<String, PhaseResult> phases;
    private final PhaseResult total;
    private final List<SecondSample> timeSeries;
    private final StopReason stopReason;
    private final Instant start;
    private final Instant end;

    TrafficResult(String vantage, String request, List<PhaseResult> phases, List<SecondSample> timeSeries,
            StopReason stopReason, Instant start, Instant end) {
        this.vantage = vantage;
        this.request = request;
        Map<String, PhaseResult> byName = new LinkedHashMap<>();
        phases.forEach(p -> byName.put(p.name(), p));
        this.phases = java.util.Collections.unmodifiableMap(byName);
        this.total = PhaseResult.merge("total", phases);
        this.timeSeries = List.copyOf(timeSeries);
        this.stopReason = stopReason;
        this.start = start;
        this.end = end;
    }

    /** Names of the phases that started, in order. */
    public List<String> phaseNames() {
        return List.copyOf(phases.keySet());
    }

    /** @throws IllegalArgumentException naming the phases that exist when {@code name} is not one of them */
    public PhaseResult phase(String name) {
        PhaseResult p = phases.get(name);
        if (p == null) {
            throw new IllegalArgumentException("phase: given '" + name + "'; allowed: " + phases.keySet());
        }
        return p;
    }

    public List<PhaseResult> phases() {
        return List.copyOf(phases.values());
    }

    /** All phases together. */
    public PhaseResult total() {
        return total;
    }

    /** One entry per phase per second (by response completion), in order; bounded by the run's duration cap. */
    public List<SecondSample> timeSeries() {
        return timeSeries;
    }

    public StopReason stopReason() {
        return stopReason;
    }

    public Instant start() {
        return start;
    }

    /** When the last response arrived or the drain timeout ended. */
    public Instant end() {
        return end;
    }

    /** One line for logs and reports. */
    public String summary() {
        return String.format(Locale.ROOT, "%s %s: %d phase(s) in %.1f s, stopped %s; late>10ms %.2f %%; %s",
                request, vantage, phases.size(), Duration.between(start, end).toMillis() / 1e3, stopReason,
                100 * total.fractionSentLaterThan(Duration.ofMillis(10)), total.summary());
    }

    @Override
    public String toString() {
        return summary();
    }
}
