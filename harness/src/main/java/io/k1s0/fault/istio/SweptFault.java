package io.k1s0.fault.istio;

/** One fault the sweeper removed, and why. */
public record SweptFault(String namespace, String virtualService, String runId, Reason reason, int routesRemoved) {

    public enum Reason { EXPIRED, RUN_ID, ORPHANED }
}
