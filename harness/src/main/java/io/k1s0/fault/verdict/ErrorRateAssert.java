package io.k1s0.fault.verdict;

import org.assertj.core.api.AbstractAssert;

/** "The 5xx rate is below a threshold", decided with one-sided Clopper-Pearson bounds. */
public final class ErrorRateAssert extends AbstractAssert<ErrorRateAssert, FaultWindow> {

    private final String parentDescription;
    private boolean excludingInjected;
    private double confidence = Judge.DEFAULT_CONFIDENCE;

    ErrorRateAssert(FaultWindow actual, String parentDescription) {
        super(actual, ErrorRateAssert.class);
        this.parentDescription = parentDescription;
    }

    /** Leaves injected aborts (flag FI) out of numerator and denominator: the service's own error rate. */
    public ErrorRateAssert excludingInjected() {
        this.excludingInjected = true;
        return myself;
    }

    public ErrorRateAssert atConfidence(double confidence) {
        SampleSizePlanner.checkConfidence(confidence);
        this.confidence = confidence;
        return myself;
    }

    public ErrorRateAssert isBelow(Ratio threshold) {
        Judge.errorRateBelow(actual, excludingInjected, threshold, confidence)
                .describedAs(FractionAssert.description(parentDescription, info)).enforce();
        return myself;
    }
}
