package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshResource;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a class applied is kept or deleted per its cleanup mode (attribute, then configuration parameter, then
 * ALWAYS); faults are removed in every mode.
 */
@ExtendWith(SharedMesh.PerClassWithoutLeftovers.class)
class CleanupModeTest {

    private static final String NS = "k1s0-service";

    @Test
    void alwaysDeletesTheResourcesEvenAfterAFailure() {
        Engine.runOnSharedMesh(AlwaysFailingCase.class).testEvents().assertStatistics(s -> s.failed(1));

        assertThat(SharedMesh.virtualService("order-server")).as("resource after cleanup ALWAYS and a failed test").isEmpty();
    }

    @Test
    void onSuccessKeepsTheResourcesOfAFailedClassWithoutTheFaultAndLabelledWithTheRun() {
        Engine.runOnSharedMesh(OnSuccessFailingCase.class).testEvents().assertStatistics(s -> s.failed(1));

        VirtualService kept = SharedMesh.virtualService("order-server").orElseThrow();
        assertThat(kept.getMetadata().getLabels()).as("labels of the kept resource")
                .containsKey("fault.k1s0.io/test-run")
                .containsEntry(ClassResources.CLASS_LABEL, "io.k1s0.fault.junit.CleanupModeTest_OnSuccessFailingCase");
        assertThat(SharedMesh.routeNames("order-server")).as("routes of the kept resource: the fault is gone").containsExactly("default");
    }

    @Test
    void onSuccessDeletesTheResourcesWhenEveryTestPassed() {
        Engine.runOnSharedMesh(OnSuccessPassingCase.class).testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(SharedMesh.virtualService("order-server")).as("resource after ON_SUCCESS and a passing class").isEmpty();
    }

    @Test
    void neverKeepsTheResourcesOfAPassingClass() {
        Engine.runOnSharedMesh(NeverCase.class).testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(SharedMesh.virtualService("order-server")).as("resource after cleanup NEVER").isPresent();
        assertThat(SharedMesh.routeNames("order-server")).as("routes: the fault is gone").containsExactly("default");
    }

    @Test
    void defaultFollowsTheConfigurationParameter() {
        Engine.runOnSharedMesh(Map.of("fault.harness.cleanup", "never"), DefaultCase.class)
                .testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(SharedMesh.virtualService("order-server")).as("resource after DEFAULT with fault.harness.cleanup=never").isPresent();
    }

    @Test
    void defaultWithoutTheParameterDeletes() {
        Engine.runOnSharedMesh(DefaultCase.class).testEvents().assertStatistics(s -> s.succeeded(1));

        assertThat(SharedMesh.virtualService("order-server")).as("resource after DEFAULT without the parameter").isEmpty();
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml", cleanup = CleanupMode.ALWAYS)
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class AlwaysFailingCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void fails() {
            throw new AssertionError("failing on purpose");
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml", cleanup = CleanupMode.ON_SUCCESS)
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class OnSuccessFailingCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void fails() {
            throw new AssertionError("failing on purpose");
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml", cleanup = CleanupMode.ON_SUCCESS)
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class OnSuccessPassingCase {
        @Test
        void passes() {
            assertThat(SharedMesh.virtualService("order-server")).isPresent();
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml", cleanup = CleanupMode.NEVER)
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class NeverCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void passes() {
            assertThat(SharedMesh.routeNames("order-server")).hasSize(2);
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class DefaultCase {
        @Test
        void passes() {
            assertThat(SharedMesh.virtualService("order-server")).isPresent();
        }
    }
}
