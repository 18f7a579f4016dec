package io.k1s0.fault.experiment;

import java.util.List;

/**
 * An experiment file that cannot be run. Each problem is one line:
 * {@code file:line: json.path: what was given; allowed: what is allowed}.
 */
public final class ExperimentException extends RuntimeException {

    private final List<String> problems;

    ExperimentException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
