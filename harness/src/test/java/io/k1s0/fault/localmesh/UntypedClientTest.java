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

class UntypedClientTest {
    private KubernetesClient api;
    private KubernetesClient watched;

    @BeforeEach
    void connect() {
        // Reading needs no server: the serialization is what is under test.
        api = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl("http://127.0.0.1:1").build()).build();
        watched = UntypedClient.to(api);
    }

    @AfterEach
    void close() {
        watched.close();
        api.close();
    }

    @Test
    void aWatchEventsObjectIsReadUntypedUnlessItIsAStatus() {
        KubernetesSerialization serialization = watched.getKubernetesSerialization();
        // What the control plane's informers watch: read as maps, whatever the kind.
        for (Class<? extends HasMetadata> kind : List.of(Pod.class, Service.class,
                io.fabric8.istio.api.networking.v1.VirtualService.class,
                io.fabric8.istio.api.networking.v1beta1.VirtualService.class,
                io.fabric8.istio.api.networking.v1alpha3.VirtualService.class,
                io.fabric8.istio.api.networking.v1.DestinationRule.class,
                io.fabric8.istio.api.networking.v1beta1.DestinationRule.class,
                io.fabric8.istio.api.networking.v1alpha3.DestinationRule.class)) {
            String json = "{\"apiVersion\":\"" + HasMetadata.getApiVersion(kind) + "\",\"kind\":\"" + HasMetadata.getKind(kind)
                    + "\",\"metadata\":{\"name\":\"x\"},\"spec\":{\"hosts\":[\"a\"]}}";
            Object read = serialization.unmarshal(json, KubernetesResource.class);
            assertThat(read).as("an object of kind %s read by the control plane's client", kind.getSimpleName())
                    .isInstanceOf(GenericKubernetesResource.class);
            assertThat(((GenericKubernetesResource) read).<Object>get("spec", "hosts"))
                    .as("its spec, kept as plain data").isEqualTo(List.of("a"));
        }
        // The Status a failed watch sends is typed: the watch reads its code (410 Gone means re-list).
        assertThat(serialization.unmarshal("{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"code\":410}", KubernetesResource.class))
                .as("a Status read by the control plane's client").isInstanceOf(Status.class);
    }

    @Test
    void aKindTheDefaultClientWouldTypeStaysGenericBecauseItNeverScansTheClasspath() {
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
