package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallerTest {

    @TempDir
    Path artifacts;

    private final EmbeddedKubernetes api = new EmbeddedKubernetes();
    private final KubernetesClient client = api.client();

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void eachStepIsAppliedAndAwaitedBeforeTheNextIsApplied() {
        List<String> seenByMiddleStep = new ArrayList<>();
        Readiness firstAppliedLastNot = new Readiness("first applied, last not yet", c -> {
            seenByMiddleStep.add(exists(c, "first") + "/" + exists(c, "last"));
            return List.of();
        });
        InstallPlan plan = new InstallPlan(List.of(
                new InstallStep("first", List.of(configMap("first")), InstallStep.nothingToWaitFor()),
                new InstallStep("middle", List.of(), firstAppliedLastNot),
                new InstallStep("last", List.of(configMap("last")), InstallStep.nothingToWaitFor())));

        new Installer(client, Duration.ofSeconds(5), artifacts, MeshWorkloads.K1S0_NAMESPACES).run(plan);

        assertThat(seenByMiddleStep).as("the middle step's wait saw first=true, last=false").containsOnly("true/false");
        assertThat(exists(client, "last")).isTrue();
    }

    @Test
    void waitKeepsPollingUntilTheConditionBecomesTrueBeforeTheDeadline() {
        Readiness deployment = Readiness.deploymentsReady("service-mesh", "late");
        List<List<String>> answers = new CopyOnWriteArrayList<>();
        Readiness appearsAfterFirstPoll = new Readiness("late appears", c -> {
            List<String> pending = deployment.pending(c);
            if (answers.isEmpty()) {
                c.apps().deployments().inNamespace("service-mesh").resource(readyDeployment("late")).create();
            }
            answers.add(pending);
            return pending;
        });

        new Installer(client, Duration.ofSeconds(20), artifacts, MeshWorkloads.K1S0_NAMESPACES)
                .awaitReady(new InstallStep("istiod", List.of(), appearsAfterFirstPoll));

        assertThat(answers).as("first poll not ready, a later one ready").hasSizeGreaterThanOrEqualTo(2);
        assertThat(answers.get(0)).containsExactly("Deployment service-mesh/late does not exist yet");
        assertThat(answers.get(answers.size() - 1)).isEmpty();
    }

    @Test
    void timeoutListsWhatWasNotReadyAndDumpsPodsEventsAndHelmLogs() throws Exception {
        client.pods().inNamespace("service-mesh").resource(new PodBuilder()
                .withNewMetadata().withName("istiod-abc").endMetadata()
                .withNewSpec().addNewContainer().withName("discovery").withImage("istio/pilot").endContainer().endSpec()
                .withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").endCondition().endStatus()
                .build()).create();
        client.v1().events().inNamespace("service-mesh").resource(new EventBuilder()
                .withNewMetadata().withName("istiod-abc.1").endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName("istiod-abc").endInvolvedObject()
                .withType("Warning").withReason("FailedScheduling").withMessage("0/1 nodes are available")
                .withLastTimestamp("2026-01-01T00:00:00Z")
                .build()).create();
        client.pods().inNamespace("kube-system").resource(new PodBuilder()
                .withNewMetadata().withName("helm-install-istiod-xyz").endMetadata()
                .withNewSpec().addNewContainer().withName("helm").withImage("rancher/klipper-helm").endContainer().endSpec()
                .withNewStatus().withPhase("Failed").endStatus()
                .build()).create();
        InstallStep step = new InstallStep("istiod", List.of(), Readiness.deploymentsReady("service-mesh", "istiod"));

        assertThatThrownBy(() -> new Installer(client, Duration.ofMillis(800), artifacts, MeshWorkloads.K1S0_NAMESPACES).awaitReady(step))
                .isInstanceOf(EnvironmentStartException.class)
                .hasMessageContaining("k3s mesh step 'istiod' not ready after 800 ms")
                .hasMessageContaining("- Deployment service-mesh/istiod does not exist yet")
                .hasMessageContaining("istiod-abc: phase Pending, PodScheduled=False (Unschedulable)")
                .hasMessageContaining("Warning Pod/istiod-abc FailedScheduling: 0/1 nodes are available")
                .hasMessageContaining("-- helm-install-istiod-xyz (Failed)")
                .satisfies(e -> {
                    Path dump = ((EnvironmentStartException) e).diagnosticsFile().orElseThrow();
                    assertThat(dump).as("dump lands in the artifacts directory").hasParent(artifacts);
                    assertThat(Files.readString(dump))
                            .contains("step: istiod")
                            .contains("Deployment service-mesh/istiod does not exist yet")
                            .contains("helm-install-istiod-xyz");
                });
    }

    @Test
    void applyFailureNamesTheStepAndTheResource() {
        InstallStep step = new InstallStep("istio-base", List.of(IstioCharts.base()), InstallStep.nothingToWaitFor());
        assertThatThrownBy(() -> new Installer(client, Duration.ofSeconds(1), artifacts, MeshWorkloads.K1S0_NAMESPACES).apply(step))
                .as("HelmChart is not served until its CRD exists")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("step 'istio-base': cannot apply HelmChart kube-system/istio-base");
    }

    @Test
    void applyingTwiceUpdatesInsteadOfFailing() {
        Installer installer = new Installer(client, Duration.ofSeconds(1), artifacts, MeshWorkloads.K1S0_NAMESPACES);
        installer.apply(new InstallStep("cm", List.of(configMap("same")), InstallStep.nothingToWaitFor()));
        ConfigMap changed = new ConfigMapBuilder(configMap("same")).addToData("k", "v2").build();
        installer.apply(new InstallStep("cm", List.of(changed), InstallStep.nothingToWaitFor()));
        assertThat(client.configMaps().inNamespace("default").withName("same").get().getData())
                .containsEntry("k", "v2");
    }

    private static boolean exists(KubernetesClient client, String name) {
        return client.configMaps().inNamespace("default").withName(name).get() != null;
    }

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .addToData("k", "v1").build();
    }

    private static io.fabric8.kubernetes.api.model.apps.Deployment readyDeployment(String name) {
        return new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(1).endSpec()
                .withNewStatus().withReadyReplicas(1).endStatus()
                .build();
    }
}
