package io.k1s0.fault.verdict;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The outcome of one judgement with its full message. {@link #enforce()} turns it into JUnit's language: FAIL is an
 * {@link AssertionFailedError} (expected/actual set), INCONCLUSIVE a {@link TestAbortedException} (reported as
 * skipped, never as passed).
 */
public record Verdict(Outcome outcome, String message, String expected, String actual) {

    public enum Outcome { PASS, FAIL, INCONCLUSIVE }

    public Verdict enforce() {
        switch (outcome) {
            case FAIL: throw new AssertionFailedError(message, expected, actual);
            case INCONCLUSIVE: throw new TestAbortedException(message);
            default: return this;
        }
    }

    Verdict describedAs(String description) {
        if (description == null || description.isEmpty()) {
            return this;
        }
        return new Verdict(outcome, "[" + description + "] " + message, expected, actual);
    }
}
