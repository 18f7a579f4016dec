package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The port-forward goes to the relay Deployment's Ready pod, found by label (its name is generated). */
class RelayPodTest {

    private EmbeddedKubernetes api;

    @BeforeEach
    void startApi() {
        api = new EmbeddedKubernetes();
    }

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void theReadyRelayPodIsFoundByItsLabel() {
        create(relayPod("fault-relay-aaa", false, false));
        create(relayPod("fault-relay-ccc", true, false));
        assertThat(K3sEnvironment.readyRelayPod(api.client(), "k1s0-service"))
                .as("the Ready relay pod").isEqualTo("fault-relay-ccc");
    }

    @Test
    void aReadyPodThatIsTerminatingIsNotChosen() {
        // The embedded API drops deletionTimestamp on create, so this case is checked on the listed pods directly.
        List<Pod> pods = List.of(relayPod("fault-relay-aaa", false, false), relayPod("fault-relay-bbb", true, true),
                relayPod("fault-relay-ccc", true, false));
        assertThat(K3sEnvironment.readyRelayPod("k1s0-service", pods))
                .as("the only Ready pod that is not going away").isEqualTo("fault-relay-ccc");
    }

    @Test
    void noReadyRelayPodNamesThePodsThatAreThere() {
        create(relayPod("fault-relay-aaa", false, false));
        assertThatThrownBy(() -> K3sEnvironment.readyRelayPod(api.client(), "k1s0-service"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no Ready fault-relay pod in namespace k1s0-service; pods there with app=fault-relay: "
                        + "[fault-relay-aaa (phase Running, Ready=False)]");
    }

    @Test
    void podsOfOtherAppsAreNotRelays() {
        Pod other = relayPod("order-bff-1", true, false);
        other.getMetadata().getLabels().put("app", "order-bff");
        create(other);
        assertThatThrownBy(() -> K3sEnvironment.readyRelayPod(api.client(), "k1s0-service"))
                .hasMessageEndingWith("pods there with app=fault-relay: []");
    }

    private void create(Pod pod) {
        api.client().pods().inNamespace("k1s0-service").resource(pod).create();
    }

    private static Pod relayPod(String name, boolean ready, boolean terminating) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("k1s0-service")
                .addToLabels("app", "fault-relay")
                .withDeletionTimestamp(terminating ? "2026-01-01T00:00:00Z" : null).endMetadata()
                .withNewSpec().addNewContainer().withName("relay").withImage(PinnedImages.ENVOY).endContainer().endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus()
                .build();
    }
}
