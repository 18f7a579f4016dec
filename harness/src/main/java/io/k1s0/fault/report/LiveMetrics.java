package io.k1s0.fault.report;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The run's live numbers, served on {@code /metrics} by {@link MetricsServer}: the runner's own gauges
 * ({@code fault_injection_*}) and the platform's chaos metrics ({@code chaos_*}) with the labels of the dashboard's
 * metric-name contract. Micrometer's Prometheus registry renders the exposition format, so names, escaping and
 * {@code _total} suffixes come out right without hand-written text. Thread-safe: the runner updates it from its
 * driver threads while a scrape reads it.
 */
public final class LiveMetrics {

    /** One target of the run: where faults go and which platform tier it belongs to (system, business, service). */
    public record Target(String namespace, String service, String tier) {
        public Target {
            Objects.requireNonNull(namespace, "target namespace");
            Objects.requireNonNull(service, "target service");
            Objects.requireNonNull(tier, "target tier");
        }
    }

    static final Set<String> RESULTS = Set.of("success", "failure", "aborted");
    static final Set<String> FAULT_TYPES = Set.of("delay", "abort");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String experiment;
    private final List<Target> targets;
    private final Clock clock;
    private final DoubleAdder active = new DoubleAdder();
    private volatile double p99Ms;
    private final AtomicReference<Instant> injectionStart = new AtomicReference<>();
    private final AtomicReference<Instant> injectionEnd = new AtomicReference<>();
    private final Map<String, double[]> phases = new ConcurrentHashMap<>();
    private final Map<String, double[]> sloImpact = new ConcurrentHashMap<>();
    private final Counter requests;
    private final Counter errors;
    private volatile boolean finished;

    public LiveMetrics(String experiment, List<Target> targets) {
        this(experiment, targets, Clock.systemUTC());
    }

    LiveMetrics(String experiment, List<Target> targets, Clock clock) {
        if (experiment == null || experiment.isBlank()) {
            throw new IllegalArgumentException("experiment name is '" + experiment + "'; it must not be blank");
        }
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("targets is empty; give at least one namespace/service/tier");
        }
        this.experiment = experiment;
        this.targets = List.copyOf(targets);
        this.clock = clock;
        Gauge.builder("fault.injection.active", active, DoubleAdder::sum).tag("experiment", experiment)
                .description("1 while faults are applied, else 0").register(registry);
        Gauge.builder("fault.injection.client.latency.p99.milliseconds", this, m -> m.p99Ms).tag("experiment", experiment)
                .description("Client-side P99 (ms) of the runner's requests over the last progress window").register(registry);
        requests = Counter.builder("fault.injection.requests").tag("experiment", experiment)
                .description("Requests the runner sent").register(registry);
        errors = Counter.builder("fault.injection.errors").tag("experiment", experiment)
                .description("Requests that failed (any status >= 500, timeouts, resets)").register(registry);
        for (Target t : distinctNamespaces()) {
            Tags tags = Tags.of("experiment_name", experiment, "namespace", t.namespace(), "tier", t.tier());
            for (String result : RESULTS) {
                // Created at zero so the series exist before the final increment (rate() needs two samples).
                Counter.builder("chaos.experiment").tags(tags).tag("result", result)
                        .description("Chaos experiments run, by result").register(registry);
            }
            Gauge.builder("chaos.experiment.duration.seconds", this, LiveMetrics::durationSeconds).tags(tags)
                    .description("Seconds since injection started; final value after the end").register(registry);
            Gauge.builder("chaos.experiment.active", active, DoubleAdder::sum).tags(tags)
                    .description("1 while the experiment injects faults").register(registry);
        }
        for (Target t : this.targets) {
            for (String type : FAULT_TYPES) {
                faultCounter(type, t);
            }
        }
    }

    /** Marks the phase now running (baseline, injection, recovery); the others drop to 0. */
    public void phase(String name) {
        Objects.requireNonNull(name, "phase");
        phases.computeIfAbsent(name, n -> {
            double[] holder = new double[1];
            Gauge.builder("fault.injection.phase", holder, h -> h[0]).tag("experiment", experiment).tag("phase", n)
                    .description("1 for the phase now running").register(registry);
            return holder;
        });
        phases.forEach((n, holder) -> holder[0] = n.equals(name) ? 1 : 0);
    }

    /** Faults applied ({@code true}) or removed; the first activation starts the experiment's duration clock. */
    public void faultActive(boolean on) {
        if (on) {
            injectionStart.compareAndSet(null, clock.instant());
            injectionEnd.set(null);
        } else if (injectionStart.get() != null) {
            injectionEnd.compareAndSet(null, clock.instant());
        }
        active.reset();
        active.add(on ? 1 : 0);
    }

    /** Adds requests sent and failed since the last call. */
    public void recordRequests(long sent, long failed) {
        if (sent < 0 || failed < 0 || failed > sent) {
            throw new IllegalArgumentException("recordRequests(sent=" + sent + ", failed=" + failed
                    + "): both must be >= 0 and failed <= sent");
        }
        requests.increment(sent);
        errors.increment(failed);
    }

    public void clientP99(double milliseconds) {
        this.p99Ms = milliseconds;
    }

    /** Adds requests the mesh injected (Envoy flags DI for delay, FI for abort) for one target service. */
    public void faultInjected(String faultType, String targetService, long count) {
        if (!FAULT_TYPES.contains(faultType)) {
            throw new IllegalArgumentException("fault_type is '" + faultType + "'; allowed: " + FAULT_TYPES);
        }
        Target t = targets.stream().filter(x -> x.service().equals(targetService)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("target_service is '" + targetService + "'; allowed: "
                        + targets.stream().map(Target::service).toList()));
        faultCounter(faultType, t).increment(count);
    }

    /** Share (0..1) of the SLO's error budget consumed during the experiment window. */
    public void sloImpact(String sloName, String targetService, double ratio) {
        sloImpact.computeIfAbsent(sloName + "\u0000" + targetService, k -> {
            double[] holder = new double[1];
            Gauge.builder("chaos.slo.impact.ratio", holder, h -> h[0]).tag("slo_name", sloName)
                    .tag("target_service", targetService)
                    .description("Share of the SLO's error budget consumed during the experiment").register(registry);
            return holder;
        })[0] = ratio;
    }

    /**
     * Ends the experiment: faults inactive, duration frozen, {@code chaos_experiment_total} +1 per target namespace
     * with {@code result} (success, failure, aborted). Only the first call counts.
     */
    public synchronized void finish(String result) {
        if (!RESULTS.contains(result)) {
            throw new IllegalArgumentException("result is '" + result + "'; allowed: " + RESULTS);
        }
        if (finished) {
            return;
        }
        finished = true;
        faultActive(false);
        for (Target t : distinctNamespaces()) {
            registry.get("chaos.experiment").tags("experiment_name", experiment, "namespace", t.namespace(),
                    "tier", t.tier(), "result", result).counter().increment();
        }
    }

    /** The current exposition (Prometheus text format 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    private Counter faultCounter(String type, Target t) {
        return Counter.builder("chaos.fault.injected").tag("fault_type", type).tag("target_service", t.service())
                .tag("tier", t.tier()).description("Requests the mesh injected a fault into").register(registry);
    }

    private List<Target> distinctNamespaces() {
        Map<String, Target> byNamespace = new java.util.LinkedHashMap<>();
        targets.forEach(t -> byNamespace.putIfAbsent(t.namespace(), t));
        return List.copyOf(byNamespace.values());
    }

    private double durationSeconds() {
        Instant start = injectionStart.get();
        if (start == null) {
            return 0;
        }
        Instant end = injectionEnd.get();
        return Duration.between(start, end == null ? clock.instant() : end).toMillis() / 1000.0;
    }
}
