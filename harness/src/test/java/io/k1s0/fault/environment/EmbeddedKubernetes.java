package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/** The embedded Kubernetes API in CRUD mode (fabric8 mock server) with a client; one per test. */
final class EmbeddedKubernetes implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    EmbeddedKubernetes() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    KubernetesClient client() {
        return client;
    }

    /** Registers a namespaced custom resource kind, so the API serves it (the mock 404s until then). */
    CustomResourceDefinition registerCrd(String group, String version, String kind, String plural) {
        CustomResourceDefinition crd = new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + "." + group).endMetadata()
                .withNewSpec().withGroup(group).withScope("Namespaced")
                .withNewNames().withKind(kind).withPlural(plural).withSingular(kind.toLowerCase(java.util.Locale.ROOT)).endNames()
                .addNewVersion().withName(version).withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object")
                .withXKubernetesPreserveUnknownFields(true).endOpenAPIV3Schema().endSchema()
                .endVersion()
                .endSpec()
                .build();
        return client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
