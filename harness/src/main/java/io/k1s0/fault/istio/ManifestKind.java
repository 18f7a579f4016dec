package io.k1s0.fault.istio;

import io.fabric8.istio.api.networking.v1.DestinationRule;
import io.fabric8.istio.api.networking.v1.Gateway;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.security.v1.PeerAuthentication;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds the lint understands, with the model class each is read into. */
enum ManifestKind {
    VIRTUAL_SERVICE("networking.istio.io/v1", "VirtualService", VirtualService.class, CrdSource.ISTIO),
    DESTINATION_RULE("networking.istio.io/v1", "DestinationRule", DestinationRule.class, CrdSource.ISTIO),
    GATEWAY("networking.istio.io/v1", "Gateway", Gateway.class, CrdSource.ISTIO),
    PEER_AUTHENTICATION("security.istio.io/v1", "PeerAuthentication", PeerAuthentication.class, CrdSource.ISTIO),
    // Flagger has no fabric8 model: read generically, checked against its CRD schema when available.
    CANARY("flagger.app/v1beta1", "Canary", GenericKubernetesResource.class, CrdSource.FLAGGER),
    DEPLOYMENT("apps/v1", "Deployment", Deployment.class, CrdSource.NONE),
    SERVICE("v1", "Service", Service.class, CrdSource.NONE);

    /** Where the schema of a kind comes from. */
    enum CrdSource { ISTIO, FLAGGER, NONE }

    final String apiVersion;
    final String kind;
    final Class<? extends HasMetadata> modelType;
    final CrdSource crdSource;

    ManifestKind(String apiVersion, String kind, Class<? extends HasMetadata> modelType, CrdSource crdSource) {
        this.apiVersion = apiVersion;
        this.kind = kind;
        this.modelType = modelType;
        this.crdSource = crdSource;
    }

    static Optional<ManifestKind> of(String apiVersion, String kind) {
        return Arrays.stream(values()).filter(k -> k.apiVersion.equals(apiVersion) && k.kind.equals(kind))
                .findFirst();
    }

    /** "VirtualService (networking.istio.io/v1), ..." for error messages. */
    static String supportedList() {
        return Arrays.stream(values()).map(k -> k.kind + " (" + k.apiVersion + ")").collect(Collectors.joining(", "));
    }
}
