package io.k1s0.fault.api;

/**
 * What happens to the resources a test class applied once it ends. Injected faults are removed in every
 * mode: a fault left behind would break the next test and, in staging, real traffic.
 */
public enum CleanupMode {
    /** Use the configuration parameter {@code fault.harness.cleanup}, else {@link #ALWAYS}. */
    DEFAULT,
    /** Delete what the class applied. */
    ALWAYS,
    /** Keep what the class applied when a test failed, for debugging; delete it otherwise. */
    ON_SUCCESS,
    /** Keep everything the class applied. */
    NEVER
}
