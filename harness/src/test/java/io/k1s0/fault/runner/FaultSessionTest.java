package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.istio.InstalledFault;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The finally layer and the ownerReference layer of cleanup, on the embedded API. */
class FaultSessionTest {

    private static LocalMesh mesh;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        mesh = LocalMesh.builder().workload(WorkloadSpec.of("caller", "k1s0-chaos")).start();
        client = mesh.client();
        for (String ns : new String[] {"k1s0-chaos", "k1s0-other"}) {
            if (client.namespaces().withName(ns).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
            }
            client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("ledger")
                    .endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).create();
        }
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    private static FaultSpec abort(String namespace) {
        return FaultSpec.builder().target("ledger", namespace).abort(5, 503).build();
    }

    private static VirtualService read(InstalledFault f) {
        return client.resources(VirtualService.class).inNamespace(f.namespace()).withName(f.virtualService()).get();
    }

    @Test
    void closingTheSessionRemovesEveryFaultAndTheSecondRemovalFindsNothing() {
        FaultInstaller installer = new FaultInstaller(client, "session-close", "runner/1", Clock.systemUTC());
        InstalledFault f;
        try (FaultSession session = new FaultSession(client, installer, Optional.empty())) {
            f = session.install(abort("k1s0-other"), Duration.ofMinutes(5));
            assertThat(read(f)).as("the dedicated VirtualService while the session is open").isNotNull();
        }
        assertThat(read(f)).as("the dedicated VirtualService after close()").isNull();
    }

    @Test
    void aDedicatedVirtualServiceInTheJobsNamespaceIsOwnedByTheJobAndOthersAreNot() {
        FaultInstaller installer = new FaultInstaller(client, "session-owner", "job/k1s0-chaos/weekly-1", Clock.systemUTC());
        FaultSession.JobOwner job = FaultSession.JobOwner.fromEnvironment(
                Map.of("JOB_NAME", "weekly-1", "JOB_UID", "0b7c-uid", "POD_NAMESPACE", "k1s0-chaos")).orElseThrow();
        try (FaultSession session = new FaultSession(client, installer, Optional.of(job))) {
            InstalledFault same = session.install(abort("k1s0-chaos"), Duration.ofMinutes(5));
            InstalledFault other = session.install(abort("k1s0-other"), Duration.ofMinutes(5));

            assertThat(read(same).getMetadata().getOwnerReferences()).as("ownerReferences in the Job's namespace")
                    .singleElement().satisfies(ref -> {
                        assertThat(ref.getKind()).isEqualTo("Job");
                        assertThat(ref.getName()).isEqualTo("weekly-1");
                        assertThat(ref.getUid()).isEqualTo("0b7c-uid");
                    });
            assertThat(read(other).getMetadata().getOwnerReferences())
                    .as("no cross-namespace owner (Kubernetes would garbage-collect the VirtualService at once)").isEmpty();
        }
    }

    @Test
    void withoutTheDownwardApiVariablesThereIsNoJobOwner() {
        assertThat(FaultSession.JobOwner.fromEnvironment(Map.of("JOB_NAME", "weekly-1"))).as("no POD_NAMESPACE").isEmpty();
        assertThat(FaultSession.JobOwner.fromEnvironment(Map.of())).as("nothing set").isEmpty();
    }
}
