package io.k1s0.fault.junit;

import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/** The throwables an engine run reported, tests and containers alike, in event order. */
final class Failures {

    private Failures() {}

    static List<Throwable> of(EngineExecutionResults results) {
        return results.allEvents().failed().stream()
                .map(Event::getPayload)
                .flatMap(p -> p.map(TestExecutionResult.class::cast).stream())
                .flatMap(r -> r.getThrowable().stream())
                .toList();
    }

    static Throwable only(EngineExecutionResults results) {
        List<Throwable> all = of(results);
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one failure, got " + all);
        }
        return all.get(0);
    }
}
