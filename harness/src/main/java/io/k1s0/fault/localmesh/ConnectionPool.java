package io.k1s0.fault.localmesh;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Envoy's circuit breakers for one cluster of one sidecar, HTTP/1.1 style: a request needs a connection
 * (at most {@code maxConnections}, one request in flight each) and waits in the pending queue
 * ({@code http1MaxPendingRequests}) when none is free; {@code http2MaxRequests} caps requests in flight.
 * Both overflows are {@code upstream_rq_pending_overflow}, as Envoy counts them. Not thread-safe:
 * {@link UpstreamCluster} calls it under its lock.
 */
final class ConnectionPool {

    /** A waiting request; {@code grant} runs (outside the lock, on the requester's context) when it gets a slot. */
    interface Waiter {
        void grant();
    }

    enum Admission { ADMITTED, QUEUED, OVERFLOW }

    private ClusterPolicy.PoolLimits limits = ClusterPolicy.PoolLimits.DEFAULT;
    private final Deque<Waiter> pending = new ArrayDeque<>();
    private int active;
    private int activeRetries;

    void limits(ClusterPolicy.PoolLimits newLimits) {
        limits = newLimits;
    }

    Admission admit(Waiter waiter) {
        if (active >= limits.maxRequests()) {
            return Admission.OVERFLOW;
        }
        if (active < limits.maxConnections()) {
            active++;
            return Admission.ADMITTED;
        }
        if (pending.size() < limits.maxPendingRequests()) {
            pending.addLast(waiter);
            return Admission.QUEUED;
        }
        return Admission.OVERFLOW;
    }

    /** Frees one slot; returns the waiter that now holds it, or null. */
    Waiter release() {
        active--;
        if (!pending.isEmpty() && active < limits.maxConnections() && active < limits.maxRequests()) {
            active++;
            return pending.pollFirst();
        }
        return null;
    }

    /** A waiter that gave up (timeout); true if it was still queued and so never held a slot. */
    boolean cancel(Waiter waiter) {
        return pending.remove(waiter);
    }

    /** Envoy's retry circuit breaker ({@code http.maxRetries}): retries in progress at once. */
    boolean tryStartRetry() {
        if (activeRetries >= limits.maxRetries()) {
            return false;
        }
        activeRetries++;
        return true;
    }

    void endRetry() {
        activeRetries--;
    }

    int active() {
        return active;
    }

    int pending() {
        return pending.size();
    }
}
