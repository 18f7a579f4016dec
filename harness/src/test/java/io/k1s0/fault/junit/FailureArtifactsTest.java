package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.api.MeshWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A failed fault test leaves what is needed to debug it; a passing one leaves nothing. */
@ExtendWith(SharedMesh.PerClassWithoutLeftovers.class)
class FailureArtifactsTest {

    private static final String NS = "k1s0-service";

    @Test
    void aFailedTestWritesResourcesFaultedVirtualServicesMetricsTrafficAndTheError(@TempDir Path root) throws Exception {
        Engine.runOnSharedMesh(Map.of(FailureArtifacts.DIRECTORY_PARAMETER, root.toString()), FailingCase.class)
                .testEvents().assertStatistics(s -> s.failed(1));

        Path dir = root.resolve("io.k1s0.fault.junit.FailureArtifactsTest_FailingCase").resolve("failsAfterTraffic");
        assertThat(dir.resolve("failure.txt")).as("the error").content().contains("the verdict went the wrong way");
        assertThat(dir.resolve("applied-resources.yaml")).as("the class's resources").content()
                .contains("order-server").contains("fault.k1s0.io/test-run");
        assertThat(dir.resolve("virtualservices.yaml")).as("VirtualServices at the failure, fault still in").content()
                .contains("fh-junit-").contains("httpStatus: 503");
        assertThat(dir.resolve("faults.txt")).as("the installed faults").content().contains("order-server.k1s0-service");
        assertThat(dir.resolve("traffic.txt")).as("gate and traffic summaries").content()
                .contains("aborted with 503, matched").contains("20 sent");
        assertThat(dir.resolve("metrics.txt")).as("the window's metrics").content()
                .contains("edge order-bff -> order-server").contains("INJECTED_ABORTS = 20.0").contains("istio_requests_total");
    }

    @Test
    void aPassingTestWritesNothing(@TempDir Path root) throws Exception {
        Engine.runOnSharedMesh(Map.of(FailureArtifacts.DIRECTORY_PARAMETER, root.toString()), PassingCase.class)
                .testEvents().assertStatistics(s -> s.succeeded(1));

        try (var files = Files.list(root)) {
            assertThat(files).as("artifact directories after a passing test").isEmpty();
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class FailingCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void failsAfterTraffic(Mesh mesh, MeshWindow window) {
            window.result(mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(20).run());
            throw new AssertionError("the verdict went the wrong way");
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class PassingCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void passes() {
        }
    }
}
