package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualServiceBuilder;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One immutable {@link MeshConfig}: services with their ready endpoints and the accepted VirtualServices and
 * DestinationRules, oldest first. Lookups are memoised per (caller namespace, service) because the inputs
 * never change after construction.
 */
final class MeshSnapshot implements MeshConfig {

    /** An accepted resource with what ordering and visibility need. */
    record Accepted<S>(AppliedResource<S> resource, String creationTimestamp, List<String> qualifiedHosts, List<String> exportTo) {

        boolean visibleTo(String callerNamespace) {
            if (exportTo == null || exportTo.isEmpty() || exportTo.contains("*")) {
                return true;
            }
            return exportTo.contains(callerNamespace)
                    || (exportTo.contains(".") && resource.namespace().equals(callerNamespace));
        }

        boolean exactlyMatches(String fqdn) {
            return qualifiedHosts.contains(fqdn);
        }

        /** Length of the longest wildcard host covering the FQDN, or -1: a more specific wildcard wins. */
        int wildcardSpecificity(String fqdn) {
            return qualifiedHosts.stream()
                    .filter(h -> HostNames.isWildcard(h) && HostNames.matches(h, fqdn))
                    .mapToInt(String::length)
                    .max()
                    .orElse(-1);
        }
    }

    /** Istio's order among resources for one host: oldest creationTimestamp, then namespace, then name. */
    static final Comparator<Accepted<?>> OLDEST_FIRST = Comparator
            .comparing((Accepted<?> a) -> a.creationTimestamp() == null ? "" : a.creationTimestamp())
            .thenComparing(a -> a.resource().namespace())
            .thenComparing(a -> a.resource().name());

    private final long version;
    private final Map<String, ServiceTarget> servicesByFqdn;
    private final List<Accepted<VirtualService>> virtualServices;
    private final List<Accepted<DestinationRule>> destinationRules;
    private final Map<String, Long> resourceVersions;
    private final Map<String, Optional<AppliedResource<VirtualService>>> vsCache = new ConcurrentHashMap<>();
    private final Map<String, Optional<AppliedResource<DestinationRule>>> drCache = new ConcurrentHashMap<>();

    /**
     * {@code resourceVersions}: the resourceVersion of every VirtualService and DestinationRule read for this snapshot,
     * accepted or rejected, by {@link #resourceKey}.
     */
    MeshSnapshot(long version, Map<String, ServiceTarget> servicesByFqdn,
            List<Accepted<VirtualService>> virtualServices, List<Accepted<DestinationRule>> destinationRules,
            Map<String, Long> resourceVersions) {
        this.version = version;
        this.resourceVersions = Map.copyOf(resourceVersions);
        this.servicesByFqdn = Map.copyOf(servicesByFqdn);
        this.virtualServices = virtualServices.stream().sorted(OLDEST_FIRST).toList();
        this.destinationRules = destinationRules.stream().sorted(OLDEST_FIRST).toList();
    }

    static MeshSnapshot empty() {
        return new MeshSnapshot(0, Map.of(), List.of(), List.of(), Map.of());
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public Optional<ServiceTarget> service(String callerNamespace, String host) {
        return Optional.ofNullable(servicesByFqdn.get(HostNames.qualify(host, callerNamespace)));
    }

    static String resourceKey(String kind, String namespace, String name) {
        return kind + " " + namespace + "/" + name;
    }

    /** The resourceVersion of the object this snapshot was built from (accepted or not), if it read one by that key. */
    java.util.OptionalLong resourceVersion(String kind, String namespace, String name) {
        Long v = resourceVersions.get(resourceKey(kind, namespace, name));
        return v == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(v);
    }

    Map<String, ServiceTarget> services() {
        return servicesByFqdn;
    }

    List<Accepted<VirtualService>> acceptedVirtualServices() {
        return virtualServices;
    }

    List<Accepted<DestinationRule>> acceptedDestinationRules() {
        return destinationRules;
    }

    @Override
    public Optional<AppliedResource<VirtualService>> virtualService(String callerNamespace, ServiceTarget service) {
        return vsCache.computeIfAbsent(callerNamespace + "|" + service.fqdn(), k -> pickVirtualService(callerNamespace, service));
    }

    @Override
    public Optional<AppliedResource<DestinationRule>> destinationRule(String callerNamespace, ServiceTarget service) {
        return drCache.computeIfAbsent(callerNamespace + "|" + service.fqdn(), k -> pickDestinationRule(callerNamespace, service.fqdn()));
    }

    private Optional<AppliedResource<VirtualService>> pickVirtualService(String callerNamespace, ServiceTarget service) {
        String fqdn = service.fqdn();
        Optional<Accepted<VirtualService>> exact = virtualServices.stream()
                .filter(a -> a.visibleTo(callerNamespace) && a.exactlyMatches(fqdn))
                .findFirst();
        Optional<Accepted<VirtualService>> chosen = exact.isPresent() ? exact : virtualServices.stream()
                .filter(a -> a.visibleTo(callerNamespace) && a.wildcardSpecificity(fqdn) >= 0)
                .max(Comparator.comparingInt((Accepted<VirtualService> a) -> a.wildcardSpecificity(fqdn))
                        .thenComparing(OLDEST_FIRST.reversed()));
        return chosen.map(a -> withWildcardDestinationsResolved(a.resource(), fqdn));
    }

    /**
     * A destination host that is a wildcard (tier defaults route to {@code *.k1s0-system.svc.cluster.local})
     * means "the service that was requested": the data plane receives a copy whose such destinations name
     * the requested FQDN, so it never has to interpret wildcards.
     */
    private static AppliedResource<VirtualService> withWildcardDestinationsResolved(AppliedResource<VirtualService> vs, String fqdn) {
        if (!hasWildcardDestination(vs.spec())) {
            return vs;
        }
        VirtualService copy = new VirtualServiceBuilder(vs.spec()).build();
        for (HTTPRoute route : copy.getHttp()) {
            if (route.getRoute() != null) {
                for (HTTPRouteDestination d : route.getRoute()) {
                    resolve(d.getDestination(), vs.namespace(), fqdn);
                }
            }
            resolve(route.getMirror(), vs.namespace(), fqdn);
            if (route.getMirrors() != null) {
                route.getMirrors().forEach(m -> resolve(m.getDestination(), vs.namespace(), fqdn));
            }
        }
        return new AppliedResource<>(vs.name(), vs.namespace(), copy);
    }

    private static boolean hasWildcardDestination(VirtualService spec) {
        if (spec.getHttp() == null) {
            return false;
        }
        return spec.getHttp().stream().anyMatch(r ->
                (r.getRoute() != null && r.getRoute().stream().anyMatch(d -> isWildcard(d.getDestination())))
                        || isWildcard(r.getMirror())
                        || (r.getMirrors() != null && r.getMirrors().stream().anyMatch(m -> isWildcard(m.getDestination()))));
    }

    private static boolean isWildcard(Destination d) {
        return d != null && d.getHost() != null && HostNames.isWildcard(d.getHost().trim());
    }

    private static void resolve(Destination d, String namespace, String fqdn) {
        if (isWildcard(d) && HostNames.matches(HostNames.qualify(d.getHost(), namespace), fqdn)) {
            d.setHost(fqdn);
        }
    }

    /**
     * Istio's DestinationRule lookup for a sidecar: a rule in the caller's namespace first, then one in the
     * service's namespace, then any other (root namespace); within each, exact host before wildcard, oldest first.
     */
    private Optional<AppliedResource<DestinationRule>> pickDestinationRule(String callerNamespace, String fqdn) {
        String serviceNamespace = fqdn.split("\\.")[1];
        Comparator<Accepted<DestinationRule>> preference = Comparator
                .comparingInt((Accepted<DestinationRule> a) -> a.resource().namespace().equals(callerNamespace) ? 0
                        : a.resource().namespace().equals(serviceNamespace) ? 1 : 2)
                .thenComparingInt(a -> a.exactlyMatches(fqdn) ? 0 : 1)
                .thenComparing(OLDEST_FIRST);
        return destinationRules.stream()
                .filter(a -> a.visibleTo(callerNamespace) && (a.exactlyMatches(fqdn) || a.wildcardSpecificity(fqdn) >= 0))
                .min(preference)
                .map(Accepted::resource);
    }

    @Override
    public String toString() {
        return "MeshSnapshot{version=" + version + ", services=" + servicesByFqdn.keySet()
                + ", virtualServices=" + virtualServices.size() + ", destinationRules=" + destinationRules.size() + "}";
    }
}
