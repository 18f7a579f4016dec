package io.k1s0.fault.metrics;

/**
 * Where window snapshots of the mesh's telemetry come from: the Prometheus HTTP API ({@link PrometheusApiSource})
 * or direct scrapes of the sidecars' text endpoints ({@link ScrapeSource}). Both collect {@link MeshMetric}'s list
 * and form windows with the same rules, so catalogue entries ({@link PromQl}) give the same numbers on either.
 *
 * <p>Usage: {@code MetricsWindow w = source.open(); …drive traffic…; MeshSnapshot s = w.close();}. {@code open}
 * returns only once the source has a reading taken after the call, and {@code close} only once it covers the
 * moment {@code close} was called, so no request sent in between is missed or counted twice.
 */
public interface MetricsSource {

    /** Takes the start reading; send traffic only after this returns. */
    MetricsWindow open();

    /** A short name for messages and reports, e.g. {@code prometheus http://127.0.0.1:9090}. */
    String describe();
}
