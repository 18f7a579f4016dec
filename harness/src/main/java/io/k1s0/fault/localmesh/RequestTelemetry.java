package io.k1s0.fault.localmesh;

import java.util.List;

/** Builds Istio's standard label values for one request as the source or the destination proxy reports it. */
final class RequestTelemetry {
    static final String UNKNOWN = "unknown";
    static final String CLUSTER_ID = "Kubernetes";

    private RequestTelemetry() {}

    /**
     * The caller's outbound report. Destination workload labels come from the endpoint that answered and are
     * {@code unknown} on local replies (fault aborts, overflow); the destination service is filled whenever
     * the host resolved, else it is the host as requested.
     */
    static Telemetry.Labels source(SidecarIdentity self, ProxiedExchange exchange, String requestedHost) {
        Endpoint ep = exchange.endpoint();
        ServiceTarget svc = exchange.service();
        String destWorkload = ep == null ? UNKNOWN : ep.workload();
        String destNamespace = ep == null ? (svc == null ? UNKNOWN : svc.namespace()) : ep.namespace();
        String destApp = ep == null ? UNKNOWN : ep.labels().getOrDefault("app", UNKNOWN);
        String destVersion = ep == null ? UNKNOWN : ep.labels().getOrDefault("version", UNKNOWN);
        return labels("source",
                self.workload(), self.app(), revision(self.version()), self.namespace(), self.app(), self.version(),
                destWorkload, destNamespace, destApp, destVersion,
                svc == null ? requestedHost : svc.fqdn(),
                svc == null ? UNKNOWN : svc.name(),
                svc == null ? UNKNOWN : svc.namespace(),
                exchange.status(), exchange.responseFlagsLabel(), UNKNOWN);
    }

    /** The server's inbound report; the caller is known from peer metadata, else {@code unknown}. */
    static Telemetry.Labels destination(SidecarIdentity self, PeerMetadata caller, int status, String flags) {
        return labels("destination",
                caller.workload(), caller.app(), caller == PeerMetadata.NONE ? UNKNOWN : revision(caller.version()),
                caller.namespace(), caller.app(), caller.version(),
                self.workload(), self.namespace(), self.app(), self.version(),
                self.serviceFqdn(), self.serviceName(), self.namespace(),
                status, flags, "none");
    }

    private static String revision(String version) {
        return UNKNOWN.equals(version) ? "latest" : version;
    }

    private static Telemetry.Labels labels(String reporter,
            String srcWorkload, String srcCanonical, String srcRevision, String srcNamespace, String srcApp, String srcVersion,
            String dstWorkload, String dstNamespace, String dstApp, String dstVersion,
            String dstService, String dstServiceName, String dstServiceNamespace,
            int status, String flags, String securityPolicy) {
        String dstCanonical = UNKNOWN.equals(dstApp) ? UNKNOWN : dstApp;
        String dstRevision = UNKNOWN.equals(dstWorkload) ? UNKNOWN : revision(dstVersion);
        return new Telemetry.Labels(List.of(
                reporter, srcWorkload, srcCanonical, srcRevision, srcNamespace, UNKNOWN, srcApp, srcVersion, CLUSTER_ID,
                dstWorkload, dstNamespace, UNKNOWN, dstApp, dstVersion, dstService, dstCanonical, dstRevision,
                dstServiceName, dstServiceNamespace, UNKNOWN.equals(dstWorkload) ? UNKNOWN : CLUSTER_ID,
                "http", Integer.toString(status), "", flags, securityPolicy));
    }
}
