package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import java.util.Optional;

/**
 * The contract between the control plane and the sidecars: an immutable snapshot of the mesh
 * configuration as istiod would push it. The control plane publishes a new snapshot on every accepted
 * change (invalid resources never reach a snapshot); a sidecar reads the current snapshot per request.
 */
interface MeshConfig {

    /** Monotonic snapshot number; larger is newer. */
    long version();

    /**
     * Resolves a host as a caller in {@code callerNamespace} writes it: a short name ({@code order-server},
     * caller's namespace), {@code name.namespace}, {@code name.namespace.svc} or the FQDN
     * {@code name.namespace.svc.cluster.local}.
     */
    Optional<ServiceTarget> service(String callerNamespace, String host);

    /**
     * The one VirtualService a sidecar in {@code callerNamespace} uses for this service, as Istio picks it:
     * an exact host match before a wildcard match (the most specific wildcard first); among several for one
     * host only the oldest (creationTimestamp, then namespace/name) takes effect (Istio does not merge them
     * for sidecars; the others are reported as IST0109). {@code exportTo} is honoured.
     *
     * <p>Wildcard destinations are resolved here: a route or mirror destination whose host is a wildcard
     * covering the service (tier defaults route to {@code *.k1s0-system.svc.cluster.local}) is returned
     * with the service's FQDN as host, i.e. "the requested service". Other destination hosts are returned
     * as written; resolve them with {@link #service(String, String)} using the VirtualService's namespace
     * ({@link AppliedResource#namespace()}), as Istio reads short hosts relative to the resource.
     */
    Optional<AppliedResource<VirtualService>> virtualService(String callerNamespace, ServiceTarget service);

    /**
     * The DestinationRule that applies to this service for a caller in {@code callerNamespace}, if any: one
     * in the caller's namespace first, then the service's namespace, then any other; exact host before
     * wildcard; oldest first. Several rules for one host are not merged (Istio merges subsets).
     */
    Optional<AppliedResource<DestinationRule>> destinationRule(String callerNamespace, ServiceTarget service);
}
