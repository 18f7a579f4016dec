package io.k1s0.fault.verdict;

import org.assertj.core.api.AbstractAssert;

/** "Observed fault fraction is consistent with the configured one" with a Wilson score interval. */
public final class FractionAssert extends AbstractAssert<FractionAssert, FaultWindow> {

    private final Judge.Fault fault;
    private final String parentDescription;
    private double confidence = Judge.DEFAULT_CONFIDENCE;
    private Ratio tolerance = Judge.DEFAULT_TOLERANCE;

    FractionAssert(FaultWindow actual, Judge.Fault fault, String parentDescription) {
        super(actual, FractionAssert.class);
        this.fault = fault;
        this.parentDescription = parentDescription;
    }

    /** Confidence of the interval, default 0.99. */
    public FractionAssert atConfidence(double confidence) {
        SampleSizePlanner.checkConfidence(confidence);
        this.confidence = confidence;
        return myself;
    }

    /** Half-width the window must resolve before a pass counts, default ± 1 percentage point. */
    public FractionAssert within(Ratio tolerance) {
        this.tolerance = tolerance;
        return myself;
    }

    public FractionAssert isConsistentWith(Ratio expected) {
        Judge.fraction(actual, fault, expected, tolerance, confidence).describedAs(description(parentDescription, info))
                .enforce();
        return myself;
    }

    /** Against the percentage the window says was configured. */
    public FractionAssert isConsistentWithConfigured() {
        Ratio configured = (fault == Judge.Fault.ABORT ? actual.abortPercent() : actual.delayPercent())
                .orElseThrow(() -> new IllegalStateException("the window has no configured " + fault.subject
                        + "; set it with FaultWindow.of(..)." + (fault == Judge.Fault.ABORT ? "abortPercent" : "delayPercent")
                        + "(percent(..)) or use isConsistentWith(percent(..))"));
        return isConsistentWith(configured);
    }

    static String description(String parent, org.assertj.core.api.WritableAssertionInfo info) {
        String own = info.descriptionText();
        return own == null || own.isEmpty() ? parent : own;
    }
}
