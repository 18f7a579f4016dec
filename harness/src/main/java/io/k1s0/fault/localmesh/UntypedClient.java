package io.k1s0.fault.localmesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The control plane's own client to the embedded API: it reads every object untyped, except the {@code Status}
 * a failed request or watch sends. The local mesh registers its workloads through it too.
 *
 * <p>A watch event carries its object as a bare {@code KubernetesResource}; to type it, fabric8's default
 * serialization first loads and instantiates every model class the classpath declares as a provider (575 more
 * classes, 0.4–0.5 s of a cold start on this project's 2-core machine), and a typed Pod then costs its Jackson
 * deserializers. This client never scans and types nothing the control plane watches. The client handed to tests
 * keeps fabric8's default, so whatever a test reads is typed as usual.
 */
final class UntypedClient {

    private UntypedClient() {}

    /** A new client to the same API as {@code api}; the caller closes it. */
    static KubernetesClient to(KubernetesClient api) {
        KubernetesSerialization serialization = new KubernetesSerialization(new ObjectMapper(), false);
        serialization.registerKubernetesResource(Status.class);
        return new KubernetesClientBuilder()
                .withConfig(api.getConfiguration())
                .withKubernetesSerialization(serialization)
                .build();
    }
}
