package io.k1s0.fault.traffic;

/** A traffic run could not finish: a phase hook failed, the scheduler broke, or a wait timed out. */
public final class TrafficException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TrafficException(String message, Throwable cause) {
        super(message, cause);
    }
}
