package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

class EmbeddedApiServerTest {

    @Test
    void scratchVersions() {
        try (EmbeddedApiServer api = EmbeddedApiServer.start()) {
            KubernetesClient k = api.client();
            IstioClient istio = k.adapt(IstioClient.class);
            istio.v1alpha3().virtualServices().inNamespace("a").resource(new io.fabric8.istio.api.networking.v1alpha3.VirtualServiceBuilder()
                    .withNewMetadata().withName("x").endMetadata().withNewSpec().withHosts("h").endSpec().build()).create();
            System.out.println("v1 list: " + istio.v1().virtualServices().inAnyNamespace().list().getItems().size());
            System.out.println("v1beta1 list: " + istio.v1beta1().virtualServices().inAnyNamespace().list().getItems().size());
            System.out.println("v1alpha3 list: " + istio.v1alpha3().virtualServices().inAnyNamespace().list().getItems().size());
            var created = istio.v1alpha3().virtualServices().inNamespace("a").withName("x").get();
            System.out.println(created.getMetadata());
        }
    }
}
