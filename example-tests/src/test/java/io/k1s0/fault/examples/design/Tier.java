package io.k1s0.fault.examples.design;

/**
 * The three tiers of the design's "Tier 別デフォルト値" table, each with the hop that exercises its default
 * VirtualService (a server of that tier without a VirtualService of its own, called by its caller in the chain).
 */
enum Tier {
    SYSTEM("system", Chain.ACCOUNTING, Chain.BUSINESS_NS, Chain.AUTH, Chain.SYSTEM_NS, 3, false),
    BUSINESS("business", Chain.ORDER_SERVER, Chain.SERVICE_NS, Chain.ACCOUNTING, Chain.BUSINESS_NS, 3, false),
    SERVICE("service", Chain.KONG, Chain.INGRESS, Chain.ORDER_BFF, Chain.SERVICE_NS, 2, true);

    final String label;
    final String caller;
    final String callerNamespace;
    final String server;
    final String serverNamespace;
    /** {@code retries.attempts}: retries after the first try. */
    final int retries;
    /** Whether {@code retryOn} has {@code retriable-4xx} (409). */
    final boolean retries409;

    Tier(String label, String caller, String callerNamespace, String server, String serverNamespace, int retries, boolean retries409) {
        this.label = label;
        this.caller = caller;
        this.callerNamespace = callerNamespace;
        this.server = server;
        this.serverNamespace = serverNamespace;
        this.retries = retries;
        this.retries409 = retries409;
    }

    @Override
    public String toString() {
        return label + " (" + caller + " → " + server + ")";
    }
}
