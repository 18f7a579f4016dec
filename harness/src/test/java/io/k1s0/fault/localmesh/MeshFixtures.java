package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.util.List;

/** Small helpers the local-mesh tests share: apply YAML, add a bare Service, read Events about a resource. */
final class MeshFixtures {
    private MeshFixtures() {}

    static HasMetadata apply(KubernetesClient client, String yaml) {
        return client.resource(yaml).createOr(NonDeletingOperation::update);
    }

    static void service(KubernetesClient client, String namespace, String name, int port) {
        client.services().inNamespace(namespace).resource(new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withSelector(java.util.Map.of("app", name)).addNewPort().withPort(port).endPort().endSpec()
                .build()).createOr(NonDeletingOperation::update);
    }

    static List<Event> eventsAbout(KubernetesClient client, String namespace, String name, String reason) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
                .toList();
    }

    static String vs(String namespace, String name, String host, String httpRouteYaml) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  hosts: [%s]
                  http:
                %s
                """.formatted(name, namespace, host, httpRouteYaml.indent(2).stripTrailing());
    }
}
