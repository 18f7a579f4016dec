package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A start whose step after the API fails: its error is the one reported, and everything started is closed. */
class LocalMeshStartFailureTest {
    private final AtomicReference<EmbeddedApiServer> api = new AtomicReference<>();
    private final AtomicReference<KubernetesClient> untyped = new AtomicReference<>();

    private LocalMesh.Builder twoWorkloads() {
        return LocalMesh.builder().workload(WorkloadSpec.of("client", "start-failure")).workload(WorkloadSpec.of("server", "start-failure"));
    }

    private KubernetesClient recordUntyped(KubernetesClient apiClient) {
        untyped.set(UntypedClient.to(apiClient));
        return untyped.get();
    }

    @Test
    void crdsThatFailAreReportedAndTheApiAndTheUntypedClientAreClosed() {
        LocalMesh.Builder builder = twoWorkloads().startSteps(
                a -> {
                    api.set(a);
                    throw new IllegalStateException("CRDs refused by this test");
                },
                this::recordUntyped,
                ControlPlane::start);

        assertThatThrownBy(builder::start).as("start() with failing CRDs")
                .isInstanceOf(IllegalStateException.class).hasMessage("CRDs refused by this test");
        assertThat(untyped.get().getHttpClient().isClosed())
                .as("the untyped client, made but never handed to a control plane, is closed").isTrue();
        assertThat(api.get().client().getHttpClient().isClosed()).as("the embedded API's client is closed with the API").isTrue();
    }

    @Test
    void aControlPlaneThatFailsIsReportedWhenTheRegistrationMetTheClientItClosed() {
        // ControlPlane.start closes its client when it fails, and the registration shares that client: here it is closed
        // before the registration uses it, so the registration fails too, and the control plane's error must win.
        LocalMesh.Builder builder = twoWorkloads().startSteps(
                a -> {
                    api.set(a);
                    return a.registerCrds();
                },
                apiClient -> {
                    recordUntyped(apiClient).close();
                    return untyped.get();
                },
                client -> {
                    throw new IllegalStateException("informers refused by this test");
                });

        assertThatThrownBy(builder::start).as("start() with a failing control plane")
                .isInstanceOf(IllegalStateException.class).hasMessage("informers refused by this test")
                .satisfies(e -> assertThat(e.getSuppressed()).as("the registration's own failure, kept as suppressed").hasSize(1));
        assertThat(api.get().client().getHttpClient().isClosed()).as("the embedded API's client is closed with the API").isTrue();
    }
}
