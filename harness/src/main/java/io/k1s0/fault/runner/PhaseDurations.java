package io.k1s0.fault.runner;

import io.k1s0.fault.experiment.Experiment;
import java.time.Duration;

/** The three phase lengths of one run; {@code --duration} scales the experiment's phases to a new total. */
record PhaseDurations(Duration baseline, Duration injection, Duration recovery) {

    private static final Duration SHORTEST_PHASE = Duration.ofSeconds(1);

    static PhaseDurations of(Experiment.Phases phases) {
        return new PhaseDurations(phases.baseline(), phases.injection(), phases.recovery());
    }

    /** Keeps the proportions, rounds each phase to whole seconds and never below one second. */
    PhaseDurations compressedTo(Duration total) {
        double factor = (double) total.toMillis() / total().toMillis();
        return new PhaseDurations(scale(baseline, factor), scale(injection, factor), scale(recovery, factor));
    }

    Duration total() {
        return baseline.plus(injection).plus(recovery);
    }

    private static Duration scale(Duration phase, double factor) {
        Duration scaled = Duration.ofSeconds(Math.round(phase.toMillis() * factor / 1000.0));
        return scaled.compareTo(SHORTEST_PHASE) < 0 ? SHORTEST_PHASE : scaled;
    }
}
