package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.environment.MeshEnvironment;
import io.k1s0.fault.traffic.TrafficResult;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A class's {@code @MeshResource} routes are in force for its first request, and out of force for the first request
 * after the class: the extension waits for the local control plane on both sides, instead of letting traffic meet
 * the routes from before.
 */
@ExtendWith(SharedMesh.PerClass.class)
class ClassResourcesInForceTest {

    private static final String NS = "k1s0-service";

    @Test
    @DisplayName("The first request of a class meets its @MeshResource VirtualService; the first after the class does not")
    void routesAreInForceForTheClassAndGoneAfterIt() {
        Engine.runOnSharedMesh(TeapotCase.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));

        assertThat(sendThroughTheCaller().statusCode()).as("the first request after the class deleted its VirtualService").isEqualTo(200);
    }

    private static HttpResponse<String> sendThroughTheCaller() {
        HttpClient http = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress(SharedMesh.callerProxy().getHost(),
                SharedMesh.callerProxy().getPort()))).build();
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://order-server." + NS + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @DisplayName("apply waits for what it wrote at the written resourceVersion, close for what it deleted")
    @SuppressWarnings("unchecked")
    void applyAndCloseWaitForTheControlPlaneWithWhatTheyWrote() {
        List<List<? extends HasMetadata>> awaitedWrites = new ArrayList<>();
        List<List<? extends HasMetadata>> awaitedDeletions = new ArrayList<>();
        MeshEnvironment shared = new SharedMesh.Factory().get();
        MeshEnvironment recording = (MeshEnvironment) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MeshEnvironment.class}, (proxy, method, args) -> {
                    if (method.getName().equals("awaitConfigured")) {
                        awaitedWrites.add(List.copyOf((List<? extends HasMetadata>) args[0]));
                        awaitedDeletions.add(List.copyOf((List<? extends HasMetadata>) args[1]));
                    }
                    return method.invoke(shared, args);
                });
        ClassResources resources = new ClassResources(recording, "run-1", "SomeClass", CleanupMode.ALWAYS);

        resources.apply("@MeshResource on SomeClass", List.of("classpath:junit/order-server-teapot-vs.yaml"));
        String written = resources.applied().get(0).getMetadata().getResourceVersion();
        // As a fault installed into the class's VirtualService and removed again would: the standing version moves on.
        HasMetadata moved = SharedMesh.client().resource(resources.applied().get(0)).edit(r -> {
            r.getMetadata().getLabels().put("touched", "yes");
            return r;
        });
        resources.close();

        assertThat(awaitedWrites).as("objects awaited as written, per call").hasSize(2);
        assertThat(awaitedWrites.get(0)).as("awaited after apply").singleElement()
                .satisfies(r -> assertThat(r.getMetadata().getResourceVersion()).as("resourceVersion awaited").isEqualTo(written).isNotNull());
        assertThat(awaitedDeletions.get(0)).as("deletions awaited after apply").isEmpty();
        assertThat(awaitedWrites.get(1)).as("writes awaited after close").isEmpty();
        assertThat(awaitedDeletions.get(1)).as("awaited after close").singleElement()
                .satisfies(r -> assertThat(r.getMetadata().getName()).isEqualTo("order-server"));
        assertThat(moved.getMetadata().getResourceVersion()).as("the standing version moved on before close").isNotEqualTo(written);
        assertThat(sendThroughTheCaller().statusCode()).as("the first request after close, though the version deleted was a later one")
                .isEqualTo(200);
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/order-server-teapot-vs.yaml")
    static class TeapotCase {
        @Test
        void theFirstRequestMeetsTheClassRoute(Mesh mesh) {
            TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(1).run();
            assertThat(sent.total().responses(418)).as("418s of the class's own route: %s", sent.summary()).isEqualTo(1);
        }
    }
}
