package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.traffic.TrafficResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The {@code @RegisterExtension} form has the annotation form's power and validates in {@code build()}. */
@ExtendWith(SharedMesh.PerClassWithoutLeftovers.class)
class BuilderFormTest {

    private static final String NS = "k1s0-service";

    @Test
    void builderResourcesCleanupAndClassFaultsApply() {
        Engine.runOnSharedMesh(BuilderCase.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));

        assertThat(SharedMesh.virtualService("order-server")).as("resource kept by cleanup(NEVER)").isPresent();
        assertThat(SharedMesh.routeNames("order-server")).as("the builder's fault is removed").containsExactly("default");
    }

    @Test
    void buildRejectsAPercentAboveHundred() {
        assertThatThrownBy(() -> MeshFaultExtension.builder().abort("order-server", NS, 150, 503).build())
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("MeshFaultExtension.builder().abort(...): percent is 150; allowed: 0 to 100");
    }

    @Test
    void buildRejectsAnAbortStatusOutsideTheHttpRange() {
        assertThatThrownBy(() -> MeshFaultExtension.builder().abort("order-server", NS, 5, 99).build())
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("MeshFaultExtension.builder().abort(...): httpStatus is 99; allowed: 200 to 599");
    }

    @Test
    void buildRejectsAResourceWithoutScheme() {
        assertThatThrownBy(() -> MeshFaultExtension.builder().resource("order-server.yaml").build())
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("MeshFaultExtension.builder().resource(...): value is 'order-server.yaml', which has no scheme; "
                        + "allowed: classpath:<resource> or file:<path>");
    }

    @Test
    void aHeaderScopeNeedsAFaultBeforeIt() {
        assertThatThrownBy(() -> MeshFaultExtension.builder().onlyWithHeader("x-canary", "true"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("onlyWithHeader(x-canary, true) scopes the fault declared before it; declare delay(...) or abort(...) first");
    }

    @Test
    void bothFormsOnOneClassAreRejected() {
        Throwable failure = Failures.of(Engine.runOnSharedMesh(BothFormsCase.class)).get(0);

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("BothFormsCase has both @MeshFaultTest and a @RegisterExtension MeshFaultExtension; allowed: one of them");
    }

    @Test
    void anInstanceFieldRegistrationIsRejectedWithTheFix() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(InstanceFieldCase.class));

        assertThat(failure).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("MeshFaultExtension did not set up the mesh for InstanceFieldCase: a @RegisterExtension "
                        + "MeshFaultExtension field must be static; allowed: a static field, or @MeshFaultTest on the class");
    }

    static class BuilderCase {
        @RegisterExtension
        static final MeshFaultExtension MESH = MeshFaultExtension.builder()
                .workloads("classpath:junit/topology.yaml")
                .resource("classpath:junit/order-server-vs.yaml")
                .cleanup(CleanupMode.NEVER)
                .abort("order-server", NS, 100, 503)
                .build();

        @Test
        void everyRequestIsAborted(Mesh mesh) {
            TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(10).run();
            assertThat(sent.total().responses(503)).as("503s of %s", sent.summary()).isEqualTo(10);
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class BothFormsCase {
        @RegisterExtension
        static final MeshFaultExtension MESH = MeshFaultExtension.builder().workloads("classpath:junit/topology.yaml").build();

        @Test
        void test() {
        }
    }

    static class InstanceFieldCase {
        @RegisterExtension
        final MeshFaultExtension mesh = MeshFaultExtension.builder().workloads("classpath:junit/topology.yaml").build();

        @Test
        void test() {
        }
    }
}
