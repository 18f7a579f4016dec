package io.k1s0.fault.traffic;

/** Why a traffic run stopped sending. */
public enum StopReason {
    /** Still sending: the result is a live snapshot. */
    RUNNING,
    /** Every phase sent its planned requests. */
    COMPLETED,
    /** The {@code maxRequests} cap was reached before the plan was done. */
    MAX_REQUESTS,
    /** The {@code maxDuration} cap was reached before the plan was done. */
    MAX_DURATION,
    /** {@link TrafficRun#stop()} was called. */
    STOPPED
}
