package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedApiServerTest {
    private static EmbeddedApiServer api;

    @BeforeAll
    static void start() {
        api = EmbeddedApiServer.start();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void everyIstioAndFlaggerCrdIsRegisteredWithTheVersionsIstio124Serves() {
        List<CustomResourceDefinition> crds = api.client().apiextensions().v1().customResourceDefinitions().list().getItems();
        assertThat(crds).extracting(c -> c.getMetadata().getName())
                .as("CRDs in the embedded API")
                .containsExactlyInAnyOrder("virtualservices.networking.istio.io", "destinationrules.networking.istio.io",
                        "gateways.networking.istio.io", "serviceentries.networking.istio.io",
                        "peerauthentications.security.istio.io", "canaries.flagger.app");
        CustomResourceDefinition vs = crds.stream().filter(c -> c.getSpec().getNames().getKind().equals("VirtualService")).findFirst().orElseThrow();
        assertThat(vs.getSpec().getVersions()).extracting(CustomResourceDefinitionVersion::getName)
                .as("served VirtualService versions").containsExactlyInAnyOrder("v1", "v1beta1", "v1alpha3");
        assertThat(vs.getSpec().getVersions()).filteredOn(CustomResourceDefinitionVersion::getStorage)
                .extracting(CustomResourceDefinitionVersion::getName).as("storage version").containsExactly("v1alpha3");
        CustomResourceDefinition pa = crds.stream().filter(c -> c.getSpec().getNames().getKind().equals("PeerAuthentication")).findFirst().orElseThrow();
        assertThat(pa.getSpec().getVersions()).extracting(CustomResourceDefinitionVersion::getName)
                .as("served PeerAuthentication versions").containsExactlyInAnyOrder("v1", "v1beta1");
    }

    @Test
    void startedWithoutCrdsItServesBuiltInKindsAtOnceAndTheIstioKindsOnceTheCrdsAreRegistered() {
        // The local mesh registers its Pods and Services while the CRDs are still being created.
        try (EmbeddedApiServer early = EmbeddedApiServer.startWithoutCrds()) {
            early.client().pods().inNamespace("early").resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata().withName("order-server-0").withNamespace("early").endMetadata().build()).create();
            assertThat(early.client().pods().inNamespace("early").withName("order-server-0").get())
                    .as("a Pod written before any CRD exists").isNotNull();
            assertThat(early.client().apiextensions().v1().customResourceDefinitions().list().getItems())
                    .as("CRDs before registerCrds()").isEmpty();

            assertThat(early.registerCrds()).as("registerCrds() returns the same API").isSameAs(early);
            assertThat(early.client().apiextensions().v1().customResourceDefinitions().list().getItems())
                    .extracting(c -> c.getSpec().getNames().getKind()).as("kinds after registerCrds()")
                    .containsExactlyInAnyOrder("VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "PeerAuthentication", "Canary");
        }
    }

    @Test
    void everyServedVersionOfEveryKindAcceptsCreateAndList() {
        for (IstioCrds.Kind kind : IstioCrds.ALL) {
            for (String version : kind.versions()) {
                ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder()
                        .withGroup(kind.group()).withVersion(version).withKind(kind.kind()).withPlural(kind.plural()).withNamespaced(true).build();
                GenericKubernetesResource r = new GenericKubernetesResourceBuilder()
                        .withApiVersion(kind.group() + "/" + version).withKind(kind.kind())
                        .withNewMetadata().withName("probe-" + version).withNamespace("crd-probe").endMetadata()
                        .withAdditionalProperties(Map.of("spec", Map.of("host", "x")))
                        .build();
                api.client().genericKubernetesResources(ctx).inNamespace("crd-probe").resource(r).create();
                assertThat(api.client().genericKubernetesResources(ctx).inNamespace("crd-probe").withName("probe-" + version).get())
                        .as("%s %s/%s served after create", kind.kind(), kind.group(), version).isNotNull();
            }
        }
    }

    @Test
    void typedIstioClientReadsVirtualServicesWrittenAsYaml() {
        IstioClient istio = api.client().adapt(IstioClient.class);
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: typed, namespace: typed-ns}
                spec:
                  hosts: [order-server]
                  http:
                  - fault: {abort: {httpStatus: 503, percentage: {value: 5}}}
                    route: [{destination: {host: order-server}}]
                """;
        istio.v1().virtualServices().inNamespace("typed-ns")
                .resource(istio.v1().virtualServices().load(new java.io.ByteArrayInputStream(yaml.getBytes())).item()).create();
        var read = istio.v1().virtualServices().inNamespace("typed-ns").withName("typed").get();
        assertThat(read.getSpec().getHttp().get(0).getFault().getAbort().getPercentage().getValue())
                .as("abort percentage read back through the typed client").isEqualTo(5.0);
    }
}
