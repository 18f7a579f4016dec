package io.k1s0.fault.istio;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** The manifest set the rules look at, with host resolution and replica counts. */
final class LintContext {

    /** DestinationRule annotation giving the replica count FH012 uses when no Deployment is in the set. */
    static final String REPLICAS_ANNOTATION = "lint.k1s0.io/replicas";
    /** Canary annotation overriding the documented stages FH011 compares with, e.g. {@code "10,30,50,80"}. */
    static final String STAGES_ANNOTATION = "lint.k1s0.io/stages";

    private final List<LoadedManifest> manifests;
    private final OptionalInt defaultReplicas;
    private final List<String> notes = new ArrayList<>();

    LintContext(List<LoadedManifest> manifests, OptionalInt defaultReplicas) {
        this.manifests = List.copyOf(manifests);
        this.defaultReplicas = defaultReplicas;
    }

    List<LoadedManifest> all() {
        return manifests;
    }

    List<LoadedManifest> of(ManifestKind kind) {
        return manifests.stream().filter(m -> m.kind() == kind).toList();
    }

    /** One manifest per cluster object: when a file set defines an object twice, the first is kept. */
    List<LoadedManifest> distinctObjects(ManifestKind kind) {
        Map<String, LoadedManifest> byIdentity = new LinkedHashMap<>();
        of(kind).forEach(m -> byIdentity.putIfAbsent(m.identity(), m));
        return List.copyOf(byIdentity.values());
    }

    static VirtualService virtualService(LoadedManifest m) {
        return m.as(VirtualService.class);
    }

    static DestinationRule destinationRule(LoadedManifest m) {
        return m.as(DestinationRule.class);
    }

    /** Istio's short-name rule: {@code a} in namespace ns is {@code a.ns.svc.cluster.local}. */
    static String fqdn(String host, String namespace) {
        if (host == null) {
            return "";
        }
        if (host.contains("*") || host.endsWith(".cluster.local")) {
            return host;
        }
        long dots = host.chars().filter(c -> c == '.').count();
        if (dots == 0) {
            return host + "." + namespace + ".svc.cluster.local";
        }
        return dots == 1 ? host + ".svc.cluster.local" : host;
    }

    /** Replica count behind a DestinationRule's host: Deployment in the set, annotation, then the option. */
    OptionalInt replicas(LoadedManifest destinationRule) {
        String fqdn = fqdn(destinationRule(destinationRule).getSpec().getHost(), destinationRule.namespace());
        for (LoadedManifest deployment : of(ManifestKind.DEPLOYMENT)) {
            if (fqdn.equals(fqdn(deployment.name(), deployment.namespace()))) {
                Integer replicas = deployment.as(Deployment.class).getSpec() == null ? null
                        : deployment.as(Deployment.class).getSpec().getReplicas();
                return OptionalInt.of(replicas == null ? 1 : replicas);
            }
        }
        String annotated = destinationRule.annotation(REPLICAS_ANNOTATION);
        if (annotated != null) {
            try {
                return OptionalInt.of(Integer.parseInt(annotated.trim()));
            } catch (NumberFormatException e) {
                notes.add(destinationRule.file() + ": " + destinationRule.identity() + ": annotation "
                        + REPLICAS_ANNOTATION + " is '" + annotated + "', not a whole number; ignored");
            }
        }
        return defaultReplicas;
    }

    void note(String note) {
        notes.add(note);
    }

    List<String> notes() {
        return notes;
    }

    static ManifestLint.Finding finding(String id, ManifestLint.Severity severity, LoadedManifest manifest,
            String path, String message) {
        return new ManifestLint.Finding(id, severity, manifest.file().toString(), manifest.identity(), path, message);
    }
}
