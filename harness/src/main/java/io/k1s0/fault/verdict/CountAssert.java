package io.k1s0.fault.verdict;

import io.k1s0.fault.metrics.PromQl;
import org.assertj.core.api.AbstractAssert;

/** An Envoy counter's increase over the window (retries, ejections): exact counts, no statistics needed. */
public final class CountAssert extends AbstractAssert<CountAssert, FaultWindow> {

    private final PromQl entry;
    private final String parentDescription;

    CountAssert(FaultWindow actual, PromQl entry, String parentDescription) {
        super(actual, CountAssert.class);
        this.entry = entry;
        this.parentDescription = parentDescription;
    }

    public CountAssert isAtLeast(long min) {
        if (min < 0) {
            throw new IllegalArgumentException("min is " + min + "; allowed: 0 or more");
        }
        Judge.countAtLeast(actual, entry, min).describedAs(FractionAssert.description(parentDescription, info)).enforce();
        return myself;
    }
}
