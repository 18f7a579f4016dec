package io.k1s0.fault.verdict;

import java.time.Duration;
import org.assertj.core.api.AbstractAssert;

/** "The caller-side P99 is below a threshold", from histogram buckets, bucket-aware. */
public final class LatencyAssert extends AbstractAssert<LatencyAssert, FaultWindow> {

    private final String parentDescription;
    private double confidence = Judge.DEFAULT_CONFIDENCE;

    LatencyAssert(FaultWindow actual, String parentDescription) {
        super(actual, LatencyAssert.class);
        this.parentDescription = parentDescription;
    }

    /** Confidence of the minimum-sample rule (default 0.99 ⇒ ≥ 459 observations). */
    public LatencyAssert atConfidence(double confidence) {
        SampleSizePlanner.checkConfidence(confidence);
        this.confidence = confidence;
        return myself;
    }

    public LatencyAssert isBelow(Duration threshold) {
        if (threshold == null || threshold.isNegative() || threshold.isZero()) {
            throw new IllegalArgumentException("threshold is " + threshold + "; allowed: a positive duration, e.g. millis(500)");
        }
        Judge.p99Below(actual, threshold, confidence).describedAs(FractionAssert.description(parentDescription, info))
                .enforce();
        return myself;
    }
}
