package io.k1s0.fault.localmesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * The control plane's own client to the embedded API, reading untyped objects only as the kinds it watches; the
 * local mesh registers its workloads through it too.
 *
 * <p>A watch event carries its object as a bare {@code KubernetesResource}; to type it, fabric8's default
 * serialization first loads and instantiates every model class the classpath declares as a provider: 575 more
 * classes and 0.4–0.5 s of a cold start on this project's 2-core machine. This client knows its few kinds up front
 * and never scans. The client handed to tests keeps the default, so whatever a test reads is typed as usual.
 */
final class WatchedKindsClient {
    private static final List<Class<? extends KubernetesResource>> KINDS = List.of(
            Pod.class, Service.class, Status.class,
            io.fabric8.istio.api.networking.v1.VirtualService.class,
            io.fabric8.istio.api.networking.v1beta1.VirtualService.class,
            io.fabric8.istio.api.networking.v1alpha3.VirtualService.class,
            io.fabric8.istio.api.networking.v1.DestinationRule.class,
            io.fabric8.istio.api.networking.v1beta1.DestinationRule.class,
            io.fabric8.istio.api.networking.v1alpha3.DestinationRule.class);

    private WatchedKindsClient() {}

    /** A new client to the same API as {@code api}; the caller closes it. */
    static KubernetesClient to(KubernetesClient api) {
        KubernetesSerialization serialization = new KubernetesSerialization(new ObjectMapper(), false);
        KINDS.forEach(serialization::registerKubernetesResource);
        return new KubernetesClientBuilder()
                .withConfig(api.getConfiguration())
                .withKubernetesSerialization(serialization)
                .build();
    }
}
