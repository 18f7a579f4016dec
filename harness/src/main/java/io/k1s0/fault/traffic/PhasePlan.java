package io.k1s0.fault.traffic;

import java.time.Duration;

/** One phase as planned: a rate and either a duration or a request count. */
record PhasePlan(String name, double rate, Duration duration, long requests) {

    /** Slots on the arrival grid this phase schedules. */
    long plannedRequests() {
        return duration != null ? (long) Math.ceil(duration.toNanos() / 1e9 * rate - 1e-9) : requests;
    }

    /** Nanoseconds between the phase's start and the next phase's start on the grid. */
    long gridLengthNanos() {
        return duration != null ? duration.toNanos() : Math.round(requests * 1e9 / rate);
    }

    long intendedOffsetNanos(long index) {
        return Math.round(index * 1e9 / rate);
    }
}
