package io.k1s0.fault.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TargetResolverTest {

    private KubernetesMockServer server;
    private KubernetesClient client;
    private final ExperimentLoader loader = new ExperimentLoader();

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        service("order-server", "k1s0-service");
        service("payment-server", "k1s0-service");
        service("auth-server", "k1s0-system");
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    private void service(String name, String namespace) {
        client.services().inNamespace(namespace).resource(new ServiceBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build())
                .create();
    }

    private Experiment withTargets(String targets) {
        return loader.parse(ExperimentLoaderTest.weekly()
                .replace("    - namespaces: [k1s0-system, k1s0-business, k1s0-service]", targets)
                .replace("      target: order-server\n", ""), "t.yaml");
    }

    @Test
    void namespacesExpandToEveryServiceInThem() {
        var resolved = new TargetResolver(client).resolve(withTargets("    - namespaces: [k1s0-system, k1s0-service]"), "t.yaml");

        assertThat(resolved).containsExactly(
                new TargetResolver.ResolvedTarget("auth-server", "k1s0-system"),
                new TargetResolver.ResolvedTarget("order-server", "k1s0-service"),
                new TargetResolver.ResolvedTarget("payment-server", "k1s0-service"));
    }

    @Test
    void anExistingHostResolvesToItself() {
        var resolved = new TargetResolver(client).resolve(withTargets("    - {host: order-server, namespace: k1s0-service}"), "t.yaml");

        assertThat(resolved).containsExactly(new TargetResolver.ResolvedTarget("order-server", "k1s0-service"));
    }

    @Test
    void anUnknownHostIsNamedWithTheServicesThatExist() {
        Experiment e = withTargets("    - {host: order-srv, namespace: k1s0-service}");

        assertThatThrownBy(() -> new TargetResolver(client).resolve(e, "t.yaml"))
                .isInstanceOf(ExperimentException.class)
                .hasMessage("t.yaml: spec.targets[0].host: unknown host \"order-srv\" in namespace k1s0-service; "
                        + "did you mean \"order-server\"? allowed: order-server, payment-server");
    }

    @Test
    void aNamespaceWithoutServicesIsAnError() {
        Experiment e = withTargets("    - namespaces: [k1s0-business]");

        assertThatThrownBy(() -> new TargetResolver(client).resolve(e, "t.yaml"))
                .hasMessage("t.yaml: spec.targets[0].namespaces: namespace k1s0-business has no Services; "
                        + "allowed: namespaces that contain Services");
    }
}
