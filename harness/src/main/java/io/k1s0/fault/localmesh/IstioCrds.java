package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The custom resource definitions an Istio 1.24 cluster with Flagger serves, built in code so the jar runs
 * standalone. Versions and storage versions follow Istio's {@code crd-all.gen.yaml}; schemas accept any
 * field (the control plane validates what it uses, as istiod does). They are created {@link Untyped untyped}, so the
 * client does not read the created CRDs back as the typed model (40–125 ms of CPU in a fresh JVM; the mock server
 * still parses each one as a typed CRD).
 */
final class IstioCrds {

    /** One custom resource kind with every version the API serves; {@code storage} is the stored version. */
    record Kind(String group, String kind, String plural, List<String> versions, String storage) {
        String crdName() {
            return plural + "." + group;
        }

        /** Where objects of this kind live in the API, written through {@code version}. */
        ResourceDefinitionContext context(String version) {
            return Untyped.kind(group, version, kind, plural, true);
        }
    }

    static final ResourceDefinitionContext CRDS =
            Untyped.kind("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false);

    static final String NETWORKING = "networking.istio.io";
    static final String SECURITY = "security.istio.io";
    static final String FLAGGER = "flagger.app";

    private static final List<String> NETWORKING_VERSIONS = List.of("v1", "v1alpha3", "v1beta1");

    static final Kind VIRTUAL_SERVICE = new Kind(NETWORKING, "VirtualService", "virtualservices", NETWORKING_VERSIONS, "v1alpha3");
    static final Kind DESTINATION_RULE = new Kind(NETWORKING, "DestinationRule", "destinationrules", NETWORKING_VERSIONS, "v1alpha3");
    static final Kind GATEWAY = new Kind(NETWORKING, "Gateway", "gateways", NETWORKING_VERSIONS, "v1alpha3");
    static final Kind SERVICE_ENTRY = new Kind(NETWORKING, "ServiceEntry", "serviceentries", NETWORKING_VERSIONS, "v1alpha3");
    static final Kind PEER_AUTHENTICATION = new Kind(SECURITY, "PeerAuthentication", "peerauthentications", List.of("v1", "v1beta1"), "v1beta1");
    static final Kind CANARY = new Kind(FLAGGER, "Canary", "canaries", List.of("v1beta1"), "v1beta1");

    static final List<Kind> ALL = List.of(VIRTUAL_SERVICE, DESTINATION_RULE, GATEWAY, SERVICE_ENTRY, PEER_AUTHENTICATION, CANARY);

    private IstioCrds() {}

    static GenericKubernetesResource definition(Kind kind) {
        List<Map<String, Object>> versions = kind.versions().stream()
                .map(v -> Map.<String, Object>of(
                        "name", v,
                        "served", true,
                        "storage", v.equals(kind.storage()),
                        "schema", Map.of("openAPIV3Schema", Map.of("type", "object", "x-kubernetes-preserve-unknown-fields", true)),
                        "subresources", Map.of("status", Map.of())))
                .toList();
        Map<String, Object> names = Map.of(
                "kind", kind.kind(),
                "listKind", kind.kind() + "List",
                "plural", kind.plural(),
                "singular", kind.kind().toLowerCase(Locale.ROOT));
        return Untyped.object("apiextensions.k8s.io/v1", "CustomResourceDefinition", new ObjectMetaBuilder().withName(kind.crdName()).build(),
                Map.of("spec", Map.of("group", kind.group(), "scope", "Namespaced", "names", names, "versions", versions)));
    }
}
