package io.k1s0.fault.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything one run produced, as plain immutable values: the single input of every writer and sender.
 * Its JSON form is documented in {@code docs/result-json.md}; {@link #SCHEMA_VERSION} changes when a field's
 * meaning changes or a field is removed (adding an optional field does not).
 */
@JsonPropertyOrder({"schemaVersion", "runId", "experiment", "environment", "start", "end", "faultWindow", "faults",
        "phases", "expectations", "mesh", "abortedOnBreach", "cleanup", "links"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(
        int schemaVersion,
        String runId,
        String experiment,
        String environment,
        Instant start,
        Instant end,
        Window faultWindow,
        List<Fault> faults,
        List<Phase> phases,
        List<Expectation> expectations,
        List<MeshNumbers> mesh,
        Breach abortedOnBreach,
        Cleanup cleanup,
        Links links) {

    public static final int SCHEMA_VERSION = 1;

    public RunReport {
        if (schemaVersion != SCHEMA_VERSION) {
            throw new IllegalArgumentException("schemaVersion is " + schemaVersion + "; this reader understands only "
                    + SCHEMA_VERSION);
        }
        require("runId", runId);
        require("experiment", experiment);
        require("environment", environment);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("end " + end + " is before start " + start);
        }
        faults = List.copyOf(faults == null ? List.of() : faults);
        phases = List.copyOf(phases == null ? List.of() : phases);
        expectations = List.copyOf(expectations == null ? List.of() : expectations);
        mesh = List.copyOf(mesh == null ? List.of() : mesh);
        links = links == null ? new Links(null, null) : links;
    }

    public static Builder builder(String runId, String experiment, String environment) {
        return new Builder(runId, experiment, environment);
    }

    /** PASS only when the run was not aborted, cleanup succeeded and every expectation passed; FAIL if any failed. */
    public Verdict overall() {
        if (abortedOnBreach != null || (cleanup != null && !cleanup.faultsRemoved())) {
            return Verdict.FAIL;
        }
        if (expectations.stream().anyMatch(e -> e.verdict() == Verdict.FAIL)) {
            return Verdict.FAIL;
        }
        if (expectations.isEmpty() || expectations.stream().anyMatch(e -> e.verdict() == Verdict.INCONCLUSIVE)) {
            return Verdict.INCONCLUSIVE;
        }
        return Verdict.PASS;
    }

    public Optional<Phase> phase(String name) {
        return phases.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Duration duration() {
        return Duration.between(start, end);
    }

    private static void require(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank; got " + (value == null ? "null" : "'" + value + "'"));
        }
    }

    public enum Verdict { PASS, FAIL, INCONCLUSIVE }

    /** A time window, e.g. when the faults were live. */
    public record Window(Instant start, Instant end) {
        public Window {
            Objects.requireNonNull(start, "window start");
            Objects.requireNonNull(end, "window end");
            if (end.isBefore(start)) {
                throw new IllegalArgumentException("window end " + end + " is before start " + start);
            }
        }
    }

    /** One configured fault: {@code type} is {@code delay} or {@code abort}; percent is 0..100. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Fault(String type, double percent, Long delayMs, Integer status, List<String> targets) {
        public Fault {
            if (!"delay".equals(type) && !"abort".equals(type)) {
                throw new IllegalArgumentException("fault type is '" + type + "'; allowed: delay, abort");
            }
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("fault percent is " + percent + "; allowed: 0..100");
            }
            targets = List.copyOf(targets == null ? List.of() : targets);
        }

        public static Fault delay(double percent, long delayMs, List<String> targets) {
            return new Fault("delay", percent, delayMs, null, targets);
        }

        public static Fault abort(double percent, int status, List<String> targets) {
            return new Fault("abort", percent, null, status, targets);
        }

        String describe() {
            String what = "delay".equals(type) ? delayMs + " ms delay" : "HTTP " + status + " abort";
            return what + " on " + Numbers.percent(percent / 100.0) + " of requests to " + String.join(", ", targets);
        }
    }

    /** One second of client traffic: offset from run start, requests/s, error ratio 0..1, P99 in ms. */
    public record Second(long t, double rps, double errorRate, double p99Ms) {
    }

    /**
     * One phase (baseline, injection, recovery): counts, errors by status code ("503", "timeout", ...), errors the
     * mesh injected ({@code FI}) versus organic ones, and client-side latency.
     */
    public record Phase(String name, Instant start, Instant end, long requests, Map<String, Long> errorsByCode,
            long injectedErrors, long organicErrors, double clientP50Ms, double clientP99Ms, List<Second> series) {
        public Phase {
            Objects.requireNonNull(name, "phase name");
            if (requests < 0 || injectedErrors < 0 || organicErrors < 0) {
                throw new IllegalArgumentException("phase " + name + ": counts must be >= 0; got requests=" + requests
                        + ", injectedErrors=" + injectedErrors + ", organicErrors=" + organicErrors);
            }
            errorsByCode = java.util.Collections.unmodifiableMap(new TreeMap<>(errorsByCode == null ? Map.of() : errorsByCode));
            series = List.copyOf(series == null ? List.of() : series);
        }

        public long errors() {
            return injectedErrors + organicErrors;
        }

        public double errorRatio() {
            return requests == 0 ? 0 : (double) errors() / requests;
        }

        public double organicErrorRatio() {
            return requests == 0 ? 0 : (double) organicErrors / requests;
        }
    }

    /**
     * One expectation and its verdict. {@code unit} is {@code ratio}, {@code ms} or {@code count}; the interval is the
     * confidence interval around {@code actual} when the verdict is statistical.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Expectation(String name, Verdict verdict, String unit, Double expected, Double actual,
            Double intervalLow, Double intervalHigh, long samples, long neededSamples, String message) {
        public Expectation {
            Objects.requireNonNull(name, "expectation name");
            Objects.requireNonNull(verdict, "expectation verdict of " + name);
            if (samples < 0 || neededSamples < 0) {
                throw new IllegalArgumentException("expectation " + name + ": samples and neededSamples must be >= 0");
            }
        }

        boolean hasInterval() {
            return intervalLow != null && intervalHigh != null;
        }
    }

    /** Envoy's view in one phase: retries, ejections and connection-pool overflows. */
    public record MeshNumbers(String phase, long retries, long retrySuccess, long ejectionsEnforced,
            long ejectionsActive, long overflow) {
    }

    /** Why the injection was stopped early (organic error rate or P99 over the rollback threshold). */
    public record Breach(Instant at, String metric, double value, double threshold, String message) {
    }

    /** Whether the faults were removed; {@code remaining} names what was still there after the re-read. */
    public record Cleanup(boolean faultsRemoved, List<String> remaining, String message) {
        public Cleanup {
            remaining = List.copyOf(remaining == null ? List.of() : remaining);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Links(String dashboard, String report) {
    }

    /** Collects a run as it happens; {@link #build()} checks the whole. */
    public static final class Builder {
        private final String runId;
        private final String experiment;
        private final String environment;
        private Instant start;
        private Instant end;
        private Window faultWindow;
        private final List<Fault> faults = new ArrayList<>();
        private final List<Phase> phases = new ArrayList<>();
        private final List<Expectation> expectations = new ArrayList<>();
        private final List<MeshNumbers> mesh = new ArrayList<>();
        private Breach breach;
        private Cleanup cleanup;
        private String dashboardUrl;
        private String reportUrl;

        private Builder(String runId, String experiment, String environment) {
            this.runId = runId;
            this.experiment = experiment;
            this.environment = environment;
        }

        public Builder window(Instant start, Instant end) {
            this.start = start;
            this.end = end;
            return this;
        }

        public Builder faultWindow(Instant start, Instant end) {
            this.faultWindow = new Window(start, end);
            return this;
        }

        public Builder fault(Fault fault) {
            faults.add(fault);
            return this;
        }

        public Builder phase(Phase phase) {
            phases.add(phase);
            return this;
        }

        public Builder expectation(Expectation expectation) {
            expectations.add(expectation);
            return this;
        }

        public Builder mesh(MeshNumbers numbers) {
            mesh.add(numbers);
            return this;
        }

        public Builder abortedOnBreach(Breach breach) {
            this.breach = breach;
            return this;
        }

        public Builder cleanup(Cleanup cleanup) {
            this.cleanup = cleanup;
            return this;
        }

        public Builder links(String dashboardUrl, String reportUrl) {
            this.dashboardUrl = dashboardUrl;
            this.reportUrl = reportUrl;
            return this;
        }

        public RunReport build() {
            return new RunReport(SCHEMA_VERSION, runId, experiment, environment, start, end, faultWindow, faults,
                    phases, expectations, mesh, breach, cleanup, new Links(dashboardUrl, reportUrl));
        }
    }
}
