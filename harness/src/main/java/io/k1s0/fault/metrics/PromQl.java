package io.k1s0.fault.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The catalogue of every query the verdicts use. Each entry names its metric, its own matchers (the {@code reporter}
 * above all) and why; it evaluates on a {@link MeshSnapshot} and renders the same computation as PromQL that
 * Prometheus evaluates at {@code time=<window end>}: counters as {@code now − offset <window>} (exact counts, no
 * {@code increase()} extrapolation), P99 with {@code histogram_quantile} over bucket differences. A caller's scope
 * (e.g. {@code source_workload="order-bff", destination_service_name="order-server"}) is added to the entry's own
 * matchers.
 */
public enum PromQl {
    /** reporter=source: faults run on the caller's sidecar, so only its reports see every request it sent. */
    REQUESTS(MeshMetric.REQUESTS, Shape.SUM, source()),
    /** reporter=source, flags contain FI: injected aborts exist only on the caller side (never reach the server). */
    INJECTED_ABORTS(MeshMetric.REQUESTS, Shape.SUM, source().flagsContain("FI")),
    /** reporter=source, flags contain DI: the caller's sidecar marks the requests it delayed. */
    INJECTED_DELAYS(MeshMetric.REQUESTS, Shape.SUM, source().flagsContain("DI")),
    /** reporter=source, 5xx: what the caller actually received, injected or not. */
    ERRORS_5XX(MeshMetric.REQUESTS, Shape.SUM, source().regex("response_code", "5..")),
    /** reporter=source without FI: the denominator of the organic error rate. */
    REQUESTS_NOT_INJECTED(MeshMetric.REQUESTS, Shape.SUM, source().flagsLack("FI")),
    /** reporter=source, 5xx without FI: errors the mesh or service produced, not the fault. */
    ORGANIC_ERRORS_5XX(MeshMetric.REQUESTS, Shape.SUM, source().regex("response_code", "5..").flagsLack("FI")),
    /** reporter=source, 5xx by response_flags: FI (injected), UO (overflow), URX (retries exhausted), UH, "-"… */
    ERRORS_5XX_BY_FLAGS(MeshMetric.REQUESTS, Shape.SUM_BY_FLAGS, source().regex("response_code", "5..")),
    /** reporter=source P99: the caller's view, including injected delays (the destination never sees them). */
    LATENCY_P99(MeshMetric.REQUEST_DURATION, Shape.P99, source()),
    /** Envoy cluster stat of the caller's sidecar (the proxy that retries); no reporter label exists. */
    RETRIES(MeshMetric.RETRIES, Shape.SUM, Selector.all()),
    /** Envoy cluster stat of the caller's sidecar: retries that then succeeded. */
    RETRY_SUCCESS(MeshMetric.RETRY_SUCCESS, Shape.SUM, Selector.all()),
    /** Envoy cluster stat of the caller's sidecar: retries refused by the retry circuit breaker (flag UO). */
    RETRY_OVERFLOW(MeshMetric.RETRY_OVERFLOW, Shape.SUM, Selector.all()),
    /** Envoy cluster stat of the caller's sidecar: retry wanted but attempts exhausted (flag URX). */
    RETRY_LIMIT_EXCEEDED(MeshMetric.RETRY_LIMIT_EXCEEDED, Shape.SUM, Selector.all()),
    /** Envoy cluster stat of the caller's sidecar: connection-pool overflow (503 UO). */
    PENDING_OVERFLOW(MeshMetric.PENDING_OVERFLOW, Shape.SUM, Selector.all()),
    /** Envoy cluster stat of the caller's sidecar: ejections enforced by outlier detection (per caller proxy). */
    EJECTIONS(MeshMetric.EJECTIONS_ENFORCED, Shape.SUM, Selector.all()),
    /** Envoy cluster stat of the caller's sidecar: ejections enforced for consecutive 5xx. */
    EJECTIONS_CONSECUTIVE_5XX(MeshMetric.EJECTIONS_CONSECUTIVE_5XX, Shape.SUM, Selector.all()),
    /** Envoy gauge of the caller's sidecar at window end: hosts ejected right now. */
    EJECTIONS_ACTIVE(MeshMetric.EJECTIONS_ACTIVE, Shape.SUM, Selector.all()),
    /** reporter=destination, as Flagger's request-success-rate: blind to client-side faults. */
    CANARY_REQUESTS(MeshMetric.REQUESTS, Shape.SUM, destination()),
    /** reporter=destination, response_code!~"5.*": Flagger counts only 5xx as failure (4xx is success). */
    CANARY_NON_5XX(MeshMetric.REQUESTS, Shape.SUM, destination().notRegex("response_code", "5.*")),
    /** reporter=destination P99, as Flagger's request-duration: no injected delay is in it. */
    CANARY_LATENCY_P99(MeshMetric.REQUEST_DURATION, Shape.P99, destination());

    enum Shape { SUM, SUM_BY_FLAGS, P99 }

    private final MeshMetric metric;
    private final Shape shape;
    private final Selector own;

    PromQl(MeshMetric metric, Shape shape, Selector own) {
        this.metric = metric;
        this.shape = shape;
        this.own = own;
    }

    public MeshMetric metric() {
        return metric;
    }

    /** The entry's own matchers plus the caller's scope. */
    public Selector selector(Selector scope) {
        return own.and(scope);
    }

    /** True for P99 entries (a quantile, not a count). */
    public boolean isQuantile() {
        return shape == Shape.P99;
    }

    /** The entry's value over the snapshot's window; a quantile is NaN when there are no observations. */
    public double evaluate(MeshSnapshot snapshot, Selector scope) {
        Selector s = selector(scope);
        switch (shape) {
            case P99: return snapshot.buckets(metric, s).quantile(0.99);
            case SUM_BY_FLAGS: return snapshot.sum(metric, s);
            default: return snapshot.sum(metric, s);
        }
    }

    /** Values per {@code response_flags} (only meaningful for {@link #ERRORS_5XX_BY_FLAGS}; others: one entry ""). */
    public Map<String, Double> evaluateByFlags(MeshSnapshot snapshot, Selector scope) {
        if (shape != Shape.SUM_BY_FLAGS) {
            Map<String, Double> one = new TreeMap<>();
            one.put("", evaluate(snapshot, scope));
            return one;
        }
        return snapshot.sumBy(metric, selector(scope), "response_flags");
    }

    /**
     * The same computation in PromQL, to be evaluated at {@code time=<window end>} with {@code window} = end − start.
     * Series born inside the window count from 0 and absent families count 0 (the {@code or} arms), exactly as
     * {@link MeshSnapshot}'s deltas; a quantile without observations is empty (NaN).
     */
    public String promql(Selector scope, Duration window) {
        String sel = selector(scope).on(metric.seriesName());
        String offset = " offset " + window.toMillis() + "ms";
        switch (shape) {
            case P99:
                return "histogram_quantile(0.99, (sum by (le) (" + sel + ") - sum by (le) (" + sel + offset
                        + ")) or sum by (le) (" + sel + "))";
            case SUM_BY_FLAGS:
                return "(sum by (response_flags) (" + sel + ") - sum by (response_flags) (" + sel + offset
                        + ")) or sum by (response_flags) (" + sel + ")";
            default:
                // "or vector(0)": a family with no series counts 0, as in MeshSnapshot
                if (metric.kind() == MeshMetric.Kind.GAUGE) {
                    return "sum(" + sel + ") or vector(0)";
                }
                return "(sum(" + sel + ") or vector(0)) - (sum(" + sel + offset + ") or vector(0))";
        }
    }

    /** What the entry counts and which reporter it reads, in one line (for reports and failure messages). */
    public String doc() {
        switch (this) {
            case REQUESTS: return "requests the caller sent; reporter=source because faults run on the caller's sidecar";
            case INJECTED_ABORTS: return "injected aborts (flag FI); only reporter=source sees them, they never reach the server";
            case INJECTED_DELAYS: return "injected delays (flag DI); marked by the caller's sidecar, reporter=source";
            case ERRORS_5XX: return "5xx the caller received, injected or not; reporter=source";
            case REQUESTS_NOT_INJECTED: return "requests without FI; reporter=source; denominator of the organic error rate";
            case ORGANIC_ERRORS_5XX: return "5xx without FI (the service or mesh failed, not the fault); reporter=source";
            case ERRORS_5XX_BY_FLAGS: return "5xx by response_flags; reporter=source";
            case LATENCY_P99: return "caller-side P99 from buckets, injected delay included; reporter=source";
            case RETRIES: return "retries issued by the caller's sidecar (Envoy cluster stat, needs proxyStatsMatcher)";
            case RETRY_SUCCESS: return "retries that succeeded (Envoy cluster stat of the caller's sidecar)";
            case RETRY_OVERFLOW: return "retries refused by the retry circuit breaker (Envoy cluster stat)";
            case RETRY_LIMIT_EXCEEDED: return "retries wanted after attempts were exhausted (Envoy cluster stat)";
            case PENDING_OVERFLOW: return "requests refused by the connection pool, 503 UO (Envoy cluster stat)";
            case EJECTIONS: return "outlier ejections enforced by the caller's sidecar (Envoy cluster stat)";
            case EJECTIONS_CONSECUTIVE_5XX: return "ejections enforced for consecutive 5xx (Envoy cluster stat)";
            case EJECTIONS_ACTIVE: return "hosts ejected at window end (Envoy gauge)";
            case CANARY_REQUESTS: return "Flagger's denominator; reporter=destination, blind to client-side faults";
            case CANARY_NON_5XX: return "Flagger's success numerator (response_code!~\"5.*\"); reporter=destination";
            default: return "Flagger's request-duration P99; reporter=destination, no injected delay in it";
        }
    }

    private static Selector source() {
        return Selector.all().eq("reporter", "source");
    }

    private static Selector destination() {
        return Selector.all().eq("reporter", "destination");
    }
}
