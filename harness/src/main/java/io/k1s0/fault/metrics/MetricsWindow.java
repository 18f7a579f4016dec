package io.k1s0.fault.metrics;

import java.time.Instant;

/** A window opened on a {@link MetricsSource}; closing it takes the end reading and returns the snapshot. */
public interface MetricsWindow {

    Instant start();

    /** Takes the end reading (waiting, with a deadline, until the source covers now) and forms the window. */
    MeshSnapshot close();
}
