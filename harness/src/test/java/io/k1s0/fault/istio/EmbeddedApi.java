package io.k1s0.fault.istio;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import io.fabric8.mockwebserver.MockWebServer;

/** The embedded Kubernetes API in CRUD mode with Istio's VirtualService CRD registered. */
final class EmbeddedApi implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    EmbeddedApi() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.apiextensions().v1().customResourceDefinitions().resource(virtualServiceCrd()).create();
    }

    KubernetesClient client() {
        return client;
    }

    VirtualService load(String yaml) {
        VirtualService vs = client.resources(VirtualService.class)
                .load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).item();
        return client.resources(VirtualService.class).inNamespace(vs.getMetadata().getNamespace()).resource(vs).create();
    }

    VirtualService get(String namespace, String name) {
        return client.resources(VirtualService.class).inNamespace(namespace).withName(name).get();
    }

    /** Drains the requests the server saw so far, as "METHOD path". */
    java.util.List<String> drainRequests() throws InterruptedException {
        java.util.List<String> seen = new java.util.ArrayList<>();
        for (var r = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
             r = server.takeRequest(0, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            seen.add(r.getMethod() + " " + r.getPath());
        }
        return seen;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    private static CustomResourceDefinition virtualServiceCrd() {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName("virtualservices.networking.istio.io").endMetadata()
                .withNewSpec()
                .withGroup("networking.istio.io")
                .withScope("Namespaced")
                .withNewNames().withKind("VirtualService").withPlural("virtualservices").withSingular("virtualservice")
                .withListKind("VirtualServiceList").endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
                .endOpenAPIV3Schema().endSchema().endVersion()
                .endSpec()
                .build();
    }
}
