package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import java.util.List;

/**
 * The custom resource definitions an Istio 1.24 cluster with Flagger serves, built in code so the jar runs
 * standalone. Versions and storage versions follow Istio's {@code crd-all.gen.yaml}; schemas accept any
 * field (the control plane validates what it uses, as istiod does).
 */
final class IstioCrds {

    /** One custom resource kind with every version the API serves; {@code storage} is the stored version. */
    record Kind(String group, String kind, String plural, List<String> versions, String storage) {
        String crdName() {
            return plural + "." + group;
        }
    }

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

    static CustomResourceDefinition definition(Kind kind) {
        List<CustomResourceDefinitionVersion> versions = kind.versions().stream()
                .map(v -> new CustomResourceDefinitionVersionBuilder()
                        .withName(v)
                        .withServed(true)
                        .withStorage(v.equals(kind.storage()))
                        .withNewSchema()
                        .withNewOpenAPIV3Schema()
                        .withType("object")
                        .withXKubernetesPreserveUnknownFields(true)
                        .endOpenAPIV3Schema()
                        .endSchema()
                        .withNewSubresources().withNewStatus().endStatus().endSubresources()
                        .build())
                .toList();
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(kind.crdName()).endMetadata()
                .withNewSpec()
                .withGroup(kind.group())
                .withScope("Namespaced")
                .withNewNames()
                .withKind(kind.kind())
                .withListKind(kind.kind() + "List")
                .withPlural(kind.plural())
                .withSingular(kind.kind().toLowerCase(java.util.Locale.ROOT))
                .endNames()
                .withVersions(versions)
                .endSpec()
                .build();
    }
}
