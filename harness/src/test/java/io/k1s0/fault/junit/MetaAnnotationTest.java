package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.traffic.TrafficResult;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Team annotations composed of the harness's keep every attribute: topology, cleanup, resources and faults. */
@ExtendWith(SharedMesh.PerClassWithoutLeftovers.class)
class MetaAnnotationTest {

    private static final String NS = "k1s0-service";

    @Test
    void aComposedClassAnnotationAndAComposedFaultAnnotationAreHonoured() {
        Engine.runOnSharedMesh(ComposedCase.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));

        assertThat(SharedMesh.virtualService("order-server")).as("resource kept: the composed annotation's cleanup NEVER").isPresent();
        assertThat(SharedMesh.routeNames("order-server")).as("the composed fault is removed").containsExactly("default");
    }

    /** A team's entry annotation: the topology, a resource and a cleanup mode in one place. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @MeshFaultTest(workloads = "classpath:junit/topology.yaml", cleanup = CleanupMode.NEVER)
    @MeshResource("classpath:junit/order-server-vs.yaml")
    @interface OrderServerMeshTest {
    }

    /** A team's named fault. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
    @interface OrderServerDown {
    }

    @OrderServerMeshTest
    static class ComposedCase {
        @Test
        @OrderServerDown
        void everyRequestIsAborted(Mesh mesh) {
            assertThat(SharedMesh.virtualService("order-server")).as("the composed resource while the test runs").isPresent();
            TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(10).run();
            assertThat(sent.total().responses(503)).as("503s of %s", sent.summary()).isEqualTo(10);
        }
    }
}
