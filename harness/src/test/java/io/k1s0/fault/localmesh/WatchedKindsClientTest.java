package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WatchedKindsClientTest {
    private KubernetesClient api;
    private KubernetesClient watched;

    @BeforeEach
    void connect() {
        // Reading needs no server: the serialization is what is under test.
        api = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build()).build();
        watched = WatchedKindsClient.to(api);
    }

    @AfterEach
    void close() {
        watched.close();
        api.close();
    }

    @Test
    void aWatchEventsObjectOfEveryWatchedKindIsReadAsItsOwnType() {
        KubernetesSerialization serialization = watched.getKubernetesSerialization();
        // What the control plane's informers watch, plus the Status a failed watch sends.
        for (Class<? extends KubernetesResource> kind : List.of(Pod.class, Service.class, Status.class,
                io.fabric8.istio.api.networking.v1.VirtualService.class,
                io.fabric8.istio.api.networking.v1beta1.VirtualService.class,
                io.fabric8.istio.api.networking.v1alpha3.VirtualService.class,
                io.fabric8.istio.api.networking.v1.DestinationRule.class,
                io.fabric8.istio.api.networking.v1beta1.DestinationRule.class,
                io.fabric8.istio.api.networking.v1alpha3.DestinationRule.class)) {
            String json = "{\"apiVersion\":\"" + HasMetadata.getApiVersion(kind) + "\",\"kind\":\"" + HasMetadata.getKind(kind)
                    + "\",\"metadata\":{\"name\":\"x\"}}";
            assertThat(serialization.unmarshal(json, KubernetesResource.class))
                    .as("an untyped object of kind %s read by the control plane's client", kind.getSimpleName())
                    .isInstanceOf(kind);
        }
    }

    @Test
    void aKindItDoesNotWatchStaysGenericBecauseItNeverScansTheClasspath() {
        Object configMap = watched.getKubernetesSerialization()
                .unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}", KubernetesResource.class);
        assertThat(configMap).as("a ConfigMap read by the control plane's client (a scan would have typed it)")
                .isInstanceOf(GenericKubernetesResource.class);
        assertThat(api.getKubernetesSerialization()
                .unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}", KubernetesResource.class))
                .as("the same ConfigMap read by the client tests get, which keeps fabric8's default")
                .isInstanceOf(io.fabric8.kubernetes.api.model.ConfigMap.class);
    }

    @Test
    void itTalksToTheSameApiAsTheClientItWasMadeFrom() {
        assertThat(watched.getMasterUrl()).as("API of the control plane's client").isEqualTo(api.getMasterUrl());
    }
}
