package io.k1s0.fault.verdict;

import org.assertj.core.api.AbstractAssert;

/** Entry of the fluent verdicts on a {@link FaultWindow}; each step returns the assertion for one quantity. */
public final class FaultWindowAssert extends AbstractAssert<FaultWindowAssert, FaultWindow> {

    FaultWindowAssert(FaultWindow actual) {
        super(actual, FaultWindowAssert.class);
        isNotNull();
    }

    /** The fraction of caller → target requests aborted by the fault (flag FI, reporter=source). */
    public FractionAssert abortFraction() {
        return new FractionAssert(actual, Judge.Fault.ABORT, description());
    }

    /** The fraction of caller → target requests delayed by the fault (flag DI, reporter=source). */
    public FractionAssert delayFraction() {
        return new FractionAssert(actual, Judge.Fault.DELAY, description());
    }

    /** The caller-side 5xx rate; chain {@code excludingInjected()} for the service's own errors. */
    public ErrorRateAssert errorRate() {
        return new ErrorRateAssert(actual, description());
    }

    /** The caller-side P99 from Istio's duration buckets. */
    public LatencyAssert p99() {
        return new LatencyAssert(actual, description());
    }

    /** Retries issued by the caller's sidecar towards the target ({@code envoy_cluster_upstream_rq_retry}). */
    public CountAssert retries() {
        return new CountAssert(actual, io.k1s0.fault.metrics.PromQl.RETRIES, description());
    }

    /** Outlier ejections enforced ({@code envoy_cluster_outlier_detection_ejections_enforced_total}). */
    public CountAssert ejections() {
        return new CountAssert(actual, io.k1s0.fault.metrics.PromQl.EJECTIONS, description());
    }

    /** Flagger's built-in checks: success ≥ 99 % and P99 ≤ 500 ms with reporter=destination. */
    public FaultWindowAssert meetsCanaryAnalysis() {
        Judge.canaryAnalysis(actual).describedAs(description()).enforce();
        return myself;
    }

    private String description() {
        return info.descriptionText();
    }
}
