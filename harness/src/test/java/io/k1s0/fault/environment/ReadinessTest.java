package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadinessTest {

    private final EmbeddedKubernetes api = new EmbeddedKubernetes();
    private final KubernetesClient client = api.client();

    @AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void absentCrdIsReportedByName() {
        assertThat(Readiness.crdsEstablished("virtualservices.networking.istio.io").pending(client))
                .containsExactly("CRD virtualservices.networking.istio.io does not exist yet");
    }

    @Test
    void crdWithoutEstablishedConditionIsNotReadyAndWithItIsReady() {
        CustomResourceDefinition crd = api.registerCrd("networking.istio.io", "v1", "VirtualService", "virtualservices");
        Readiness readiness = Readiness.crdsEstablished("virtualservices.networking.istio.io");
        assertThat(readiness.pending(client))
                .containsExactly("CRD virtualservices.networking.istio.io exists but is not Established");

        crd.setStatus(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder()
                .withConditions(new CustomResourceDefinitionConditionBuilder()
                        .withType("Established").withStatus("True").build())
                .build());
        client.apiextensions().v1().customResourceDefinitions().resource(crd).updateStatus();
        assertThat(readiness.pending(client)).as("an Established CRD is ready").isEmpty();
    }

    @Test
    void deploymentReadinessComparesReadyReplicasWithWanted() {
        Readiness readiness = Readiness.deploymentsReady("service-mesh", "istiod");
        assertThat(readiness.pending(client)).containsExactly("Deployment service-mesh/istiod does not exist yet");

        Deployment istiod = client.apps().deployments().inNamespace("service-mesh").resource(deployment(2)).create();
        assertThat(readiness.pending(client)).containsExactly("Deployment service-mesh/istiod has 0/2 ready replicas");

        istiod.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReadyReplicas(2).build());
        client.apps().deployments().inNamespace("service-mesh").resource(istiod).updateStatus();
        assertThat(readiness.pending(client)).isEmpty();
    }

    @Test
    void injectionWebhookMustCallTheMeshNamespace() {
        Readiness readiness = Readiness.injectionWebhookRegistered("service-mesh");
        assertThat(readiness.pending(client))
                .containsExactly("no MutatingWebhookConfiguration calls a service in namespace service-mesh");

        client.admissionRegistration().v1().mutatingWebhookConfigurations().resource(webhook("istio-system")).create();
        assertThat(readiness.pending(client)).as("a webhook for another namespace does not count").hasSize(1);

        client.admissionRegistration().v1().mutatingWebhookConfigurations()
                .resource(webhook("service-mesh").edit().editMetadata().withName("istio-sidecar-injector").endMetadata()
                        .build())
                .create();
        assertThat(readiness.pending(client)).isEmpty();
    }

    @Test
    void probePodWithoutSidecarMeansTheWebhookIsNotAnswering() {
        assertThat(Readiness.injectionAnswers("k1s0-system").pending(client))
                .singleElement().asString()
                .contains("dry-run pod in k1s0-system came back without an istio-proxy container");
    }

    @Test
    void probePodThatComesBackInjectedMeansTheWebhookAnswers() {
        // Expectation mode: the API answers the dry-run create as a cluster with Istio's webhook would.
        // The path matches only a dry-run request, so this also proves the probe stores nothing.
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        try (KubernetesClient injecting = server.createClient()) {
            server.expect().post().withPath("/api/v1/namespaces/k1s0-system/pods?dryRun=All")
                    .andReturn(201, new PodBuilder().withNewMetadata().withName(Readiness.PROBE_POD).endMetadata()
                            .withNewSpec().addNewContainer().withName("probe").endContainer()
                            .addNewInitContainer().withName("istio-proxy").endInitContainer().endSpec().build())
                    .always();
            assertThat(Readiness.injectionAnswers("k1s0-system").pending(injecting)).isEmpty();
        } finally {
            server.destroy();
        }
    }

    @Test
    void emptyNamespaceAndPodsWithoutSidecarOrReadinessAreEachListed() {
        Readiness readiness = Readiness.podsReadyWithSidecars(List.of("k1s0-system", "k1s0-service"));
        client.pods().inNamespace("k1s0-service").resource(pod("plain", false, false)).create();
        client.pods().inNamespace("k1s0-service").resource(pod("starting", true, false)).create();
        assertThat(readiness.pending(client)).containsExactlyInAnyOrder(
                "namespace k1s0-system has no pods yet",
                "pod k1s0-service/plain has no istio-proxy container (created before injection worked?)",
                "pod k1s0-service/starting is not Ready (phase Running, Ready=False (ContainersNotReady))");
    }

    @Test
    void readyPodsWithNativeSidecarsAreReady() {
        client.pods().inNamespace("k1s0-system").resource(pod("auth-server", true, true)).create();
        assertThat(Readiness.podsReadyWithSidecars(List.of("k1s0-system")).pending(client)).isEmpty();
    }

    @Test
    void apiErrorsAreReportedAsPendingNotThrown() {
        Readiness readiness = new Readiness("istiod answers", any -> {
            throw new KubernetesClientException("connection refused", 503, null);
        });
        assertThat(readiness.pending(client)).containsExactly("istiod answers: API error 503 connection refused");
    }

    @Test
    void allOfCombinesDescriptionsAndPendingItems() {
        Readiness both = Readiness.allOf(Readiness.crdsEstablished("a.example.io"),
                Readiness.deploymentsReady("ns", "d"));
        assertThat(both.description()).isEqualTo("CRDs established [a.example.io] and Deployments ready in ns [d]");
        assertThat(both.pending(client)).containsExactly("CRD a.example.io does not exist yet",
                "Deployment ns/d does not exist yet");
    }

    private static Deployment deployment(int replicas) {
        return new DeploymentBuilder().withNewMetadata().withName("istiod").withNamespace("service-mesh").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", "istiod").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "istiod").endMetadata()
                .withNewSpec().addNewContainer().withName("discovery").withImage("istio/pilot").endContainer().endSpec()
                .endTemplate().endSpec().build();
    }

    private static io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration webhook(
            String serviceNamespace) {
        return new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("injector-" + serviceNamespace)
                .endMetadata()
                .addNewWebhook().withName("namespace.sidecar-injector.istio.io")
                .withNewClientConfig().withNewService().withName("istiod").withNamespace(serviceNamespace)
                .endService().endClientConfig()
                .withSideEffects("None").withAdmissionReviewVersions("v1")
                .endWebhook()
                .build();
    }

    static Pod pod(String name, boolean nativeSidecar, boolean ready) {
        PodBuilder builder = new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("fortio/fortio").endContainer().endSpec();
        if (nativeSidecar) {
            builder.editSpec().addNewInitContainer().withName("istio-proxy").withRestartPolicy("Always")
                    .endInitContainer().endSpec();
        }
        return builder.withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
                .withReason(ready ? null : "ContainersNotReady").endCondition()
                .endStatus().build();
    }
}
