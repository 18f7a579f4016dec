package io.k1s0.fault.istio;

import static io.k1s0.fault.istio.LintContext.finding;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.k1s0.fault.istio.ManifestLint.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Rules across resources for one host: FH001 (VirtualServices not merged), FH008 (unknown subset),
 * FH009 (DestinationRules merged lossy), FH016 (one object defined in several files).
 */
final class HostLintRules implements LintRule {

    @Override
    public void check(LintContext context, Consumer<ManifestLint.Finding> out) {
        conflictingVirtualServices(context, out);
        undefinedSubsets(context, out);
        duplicateDestinationRules(context, out);
        sameObjectInSeveralFiles(context, out);
    }

    /** FH001: Istio does not merge VirtualServices for one host on the mesh gateway (IST0109). */
    private static void conflictingVirtualServices(LintContext context, Consumer<ManifestLint.Finding> out) {
        Map<String, List<LoadedManifest>> byHost = new LinkedHashMap<>();
        for (LoadedManifest manifest : context.distinctObjects(ManifestKind.VIRTUAL_SERVICE)) {
            VirtualService vs = LintContext.virtualService(manifest);
            List<String> gateways = vs.getSpec().getGateways();
            if (gateways != null && !gateways.isEmpty() && !gateways.contains("mesh")) {
                continue;
            }
            for (String host : nonNull(vs.getSpec().getHosts())) {
                byHost.computeIfAbsent(LintContext.fqdn(host, manifest.namespace()), h -> new ArrayList<>())
                        .add(manifest);
            }
        }
        byHost.forEach((host, claimants) -> {
            if (claimants.size() < 2) {
                return;
            }
            String names = claimants.stream().map(LoadedManifest::identity).collect(Collectors.joining(", "));
            for (LoadedManifest manifest : claimants) {
                out.accept(finding("FH001", Severity.ERROR, manifest, "spec.hosts",
                        claimants.size() + " VirtualServices claim host " + host + " on the mesh gateway (" + names
                                + "); sidecars do not merge them (istioctl analyze IST0109) and use one of them "
                                + "arbitrarily. Fix: put all routes for the host into one VirtualService, "
                                + "most specific match first"));
            }
        });
    }

    /** FH008: a route or mirror names a subset that no DestinationRule for its host defines. */
    private static void undefinedSubsets(LintContext context, Consumer<ManifestLint.Finding> out) {
        Map<String, Set<String>> subsetsByHost = new LinkedHashMap<>();
        for (LoadedManifest manifest : context.of(ManifestKind.DESTINATION_RULE)) {
            var spec = LintContext.destinationRule(manifest).getSpec();
            Set<String> names = subsetsByHost.computeIfAbsent(LintContext.fqdn(spec.getHost(), manifest.namespace()),
                    h -> new LinkedHashSet<>());
            nonNull(spec.getSubsets()).stream().map(Subset::getName).forEach(names::add);
        }
        for (LoadedManifest manifest : context.of(ManifestKind.VIRTUAL_SERVICE)) {
            List<HTTPRoute> routes = nonNull(LintContext.virtualService(manifest).getSpec().getHttp());
            for (int i = 0; i < routes.size(); i++) {
                List<HTTPRouteDestination> destinations = nonNull(routes.get(i).getRoute());
                for (int j = 0; j < destinations.size(); j++) {
                    checkSubset(manifest, destinations.get(j).getDestination(),
                            "spec.http[" + i + "].route[" + j + "].destination.subset", subsetsByHost, out);
                }
                checkSubset(manifest, routes.get(i).getMirror(), "spec.http[" + i + "].mirror.subset", subsetsByHost,
                        out);
            }
        }
    }

    private static void checkSubset(LoadedManifest manifest, Destination destination, String path,
            Map<String, Set<String>> subsetsByHost, Consumer<ManifestLint.Finding> out) {
        if (destination == null || destination.getSubset() == null || destination.getSubset().isEmpty()) {
            return;
        }
        String host = LintContext.fqdn(destination.getHost(), manifest.namespace());
        Set<String> defined = subsetsByHost.getOrDefault(host, Set.of());
        if (!defined.contains(destination.getSubset())) {
            out.accept(finding("FH008", Severity.ERROR, manifest, path, "subset '" + destination.getSubset()
                    + "' of host " + host + " is defined by no DestinationRule in this set (defined: "
                    + (defined.isEmpty() ? "none" : String.join(", ", defined)) + "); requests to it fail with "
                    + "503 NR. Fix: add the subset to the host's DestinationRule or route to a defined subset"));
        }
    }

    /** FH009: two DestinationRules for one host; Istio keeps the first top-level trafficPolicy only. */
    private static void duplicateDestinationRules(LintContext context, Consumer<ManifestLint.Finding> out) {
        Map<String, List<LoadedManifest>> byHost = new LinkedHashMap<>();
        for (LoadedManifest manifest : context.distinctObjects(ManifestKind.DESTINATION_RULE)) {
            byHost.computeIfAbsent(LintContext.fqdn(LintContext.destinationRule(manifest).getSpec().getHost(),
                    manifest.namespace()), h -> new ArrayList<>()).add(manifest);
        }
        byHost.forEach((host, rules) -> {
            if (rules.size() < 2) {
                return;
            }
            String names = rules.stream().map(LoadedManifest::identity).collect(Collectors.joining(", "));
            for (LoadedManifest manifest : rules) {
                out.accept(finding("FH009", Severity.ERROR, manifest, "spec.host", rules.size()
                        + " DestinationRules configure host " + host + " (" + names + "); Istio merges them keeping "
                        + "only the first top-level trafficPolicy and the first definition of each subset, in an "
                        + "order you do not control. Fix: merge them into one DestinationRule"));
            }
        });
    }

    /** FH016: the same object (kind, namespace, name) in more than one file: applying both replaces, not adds. */
    private static void sameObjectInSeveralFiles(LintContext context, Consumer<ManifestLint.Finding> out) {
        Map<String, List<LoadedManifest>> byIdentity = new LinkedHashMap<>();
        context.all().forEach(m -> byIdentity.computeIfAbsent(m.identity(), k -> new ArrayList<>()).add(m));
        byIdentity.forEach((identity, versions) -> {
            Set<String> files = versions.stream().map(m -> m.file().toString())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            if (versions.size() < 2) {
                return;
            }
            for (LoadedManifest manifest : versions.subList(1, versions.size())) {
                out.accept(finding("FH016", Severity.INFO, manifest, "metadata.name", identity
                        + " is defined " + versions.size() + " times (" + String.join(", ", files) + "); they are "
                        + "versions of ONE object: the last one applied replaces the others. Keep them only as "
                        + "deliberate alternatives (e.g. a fault-window variant); otherwise delete all but one"));
            }
        });
    }

    static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
