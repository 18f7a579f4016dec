package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.traffic.TrafficResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** A test's faults are out of force for the next test's first request: removal waits for the local control plane. */
@ExtendWith(SharedMesh.PerClassWithoutLeftovers.class)
class RemovedFaultsTest {

    private static final String NS = "k1s0-service";

    @Test
    @DisplayName("The test after a 100 % abort meets none of it, from its first request on")
    void theNextTestMeetsNoneOfTheRemovedFault() {
        Engine.runOnSharedMesh(FaultThenNoFaultCase.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FaultThenNoFaultCase {
        @Test
        @Order(1)
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 418)
        void everyRequestIsAborted(Mesh mesh) {
            TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(5).run();
            assertThat(sent.total().responses(418)).as("418s under the fault: %s", sent.summary()).isEqualTo(5);
        }

        @Test
        @Order(2)
        void theFirstRequestAfterIsAnswered(Mesh mesh) {
            TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(1).run();
            assertThat(sent.total().responses(200)).as("200s right after the fault was removed: %s", sent.summary()).isEqualTo(1);
        }
    }
}
