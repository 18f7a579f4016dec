package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One condition an install step waits for. {@link #pending} lists what is not ready yet, in words a
 * person can act on; empty means ready.
 */
record Readiness(String description, Function<KubernetesClient, List<String>> check) {

    static final String SIDECAR = "istio-proxy";
    static final String PROBE_POD = "fault-harness-injection-probe";

    /** Evaluates the check; an API error is reported as pending (it may be transient), not thrown. */
    List<String> pending(KubernetesClient client) {
        try {
            return check.apply(client);
        } catch (KubernetesClientException e) {
            return List.of(description + ": API error " + e.getCode() + " " + e.getMessage());
        }
    }

    static Readiness allOf(Readiness... parts) {
        String description = String.join(" and ", Stream.of(parts).map(Readiness::description).toList());
        return new Readiness(description,
                client -> Stream.of(parts).flatMap(part -> part.pending(client).stream()).toList());
    }

    static Readiness crdsEstablished(String... names) {
        return new Readiness("CRDs established " + List.of(names), client -> {
            List<String> pending = new ArrayList<>();
            for (String name : names) {
                CustomResourceDefinition crd =
                        client.apiextensions().v1().customResourceDefinitions().withName(name).get();
                if (crd == null) {
                    pending.add("CRD " + name + " does not exist yet");
                } else if (!isEstablished(crd)) {
                    pending.add("CRD " + name + " exists but is not Established");
                }
            }
            return pending;
        });
    }

    static Readiness deploymentsReady(String namespace, String... names) {
        return new Readiness("Deployments ready in " + namespace + " " + List.of(names), client -> {
            List<String> pending = new ArrayList<>();
            for (String name : names) {
                Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
                if (deployment == null) {
                    pending.add("Deployment " + namespace + "/" + name + " does not exist yet");
                    continue;
                }
                int wanted = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
                int ready = deployment.getStatus() == null
                        ? 0 : Optional.ofNullable(deployment.getStatus().getReadyReplicas()).orElse(0);
                if (ready < Math.max(1, wanted)) {
                    pending.add("Deployment " + namespace + "/" + name + " has " + ready + "/" + wanted + " ready replicas");
                }
            }
            return pending;
        });
    }

    /** A MutatingWebhookConfiguration whose webhook calls a service in the mesh namespace (the injector). */
    static Readiness injectionWebhookRegistered(String meshNamespace) {
        return new Readiness("sidecar injection webhook registered for " + meshNamespace, client -> {
            boolean present = client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems()
                    .stream()
                    .map(MutatingWebhookConfiguration::getWebhooks)
                    .filter(Objects::nonNull)
                    .flatMap(List::stream)
                    .map(MutatingWebhook::getClientConfig)
                    .anyMatch(config -> config != null && config.getService() != null
                            && meshNamespace.equals(config.getService().getNamespace()));
            return present ? List.of()
                    : List.of("no MutatingWebhookConfiguration calls a service in namespace " + meshNamespace);
        });
    }

    /**
     * The injector really answers: a server-side dry-run create of a pod in an injected namespace comes back
     * with an {@value #SIDECAR} container (dry run invokes webhooks declaring no side effects, as Istio's
     * does, and stores nothing).
     */
    static Readiness injectionAnswers(String injectedNamespace) {
        return new Readiness("a probe pod in " + injectedNamespace + " gets a sidecar", client -> {
            Pod probe = new PodBuilder()
                    .withNewMetadata().withName(PROBE_POD).withNamespace(injectedNamespace).endMetadata()
                    .withNewSpec().addNewContainer().withName("probe").withImage(PinnedImages.FORTIO).endContainer()
                    .endSpec()
                    .build();
            Pod answered = client.pods().inNamespace(injectedNamespace).resource(probe).dryRun().create();
            return hasSidecar(answered) ? List.of()
                    : List.of("dry-run pod in " + injectedNamespace + " came back without an " + SIDECAR
                            + " container: the injection webhook is not answering yet");
        });
    }

    /** Every pod in the namespaces is Ready and carries a sidecar; a namespace with no pods is not ready. */
    static Readiness podsReadyWithSidecars(List<String> namespaces) {
        return new Readiness("pods ready with sidecars in " + namespaces, client -> {
            List<String> pending = new ArrayList<>();
            for (String namespace : namespaces) {
                List<Pod> pods = client.pods().inNamespace(namespace).list().getItems();
                if (pods.isEmpty()) {
                    pending.add("namespace " + namespace + " has no pods yet");
                }
                for (Pod pod : pods) {
                    String name = namespace + "/" + pod.getMetadata().getName();
                    if (!hasSidecar(pod)) {
                        pending.add("pod " + name + " has no " + SIDECAR + " container (created before injection worked?)");
                    } else if (!isReady(pod)) {
                        pending.add("pod " + name + " is not Ready (" + describeConditions(pod) + ")");
                    }
                }
            }
            return pending;
        });
    }

    /** Sidecar as a regular container, or as a native sidecar (an init container). */
    static boolean hasSidecar(Pod pod) {
        if (pod == null || pod.getSpec() == null) {
            return false;
        }
        return Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .map(Container::getName)
                .anyMatch(SIDECAR::equals);
    }

    static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions().stream()
                .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
    }

    static String describeConditions(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions().isEmpty()) {
            return "phase " + (pod.getStatus() == null ? "unknown" : pod.getStatus().getPhase()) + ", no conditions";
        }
        List<String> parts = new ArrayList<>();
        parts.add("phase " + pod.getStatus().getPhase());
        for (PodCondition condition : pod.getStatus().getConditions()) {
            parts.add(condition.getType() + "=" + condition.getStatus()
                    + (condition.getReason() == null ? "" : " (" + condition.getReason() + ")"));
        }
        return String.join(", ", parts);
    }

    private static boolean isEstablished(CustomResourceDefinition crd) {
        return crd.getStatus() != null && crd.getStatus().getConditions().stream()
                .anyMatch(condition -> "Established".equals(condition.getType()) && "True".equals(condition.getStatus()));
    }
}
