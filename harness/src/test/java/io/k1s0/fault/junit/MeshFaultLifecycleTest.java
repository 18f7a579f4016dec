package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshResource;
import io.k1s0.fault.traffic.TrafficResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** The extension's lifecycle seen from inside fixture classes run through the Jupiter engine. */
@ExtendWith(SharedMesh.PerClass.class)
class MeshFaultLifecycleTest {

    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clearEvents() {
        EVENTS.clear();
        SharedMesh.CLOSES.set(0);
    }

    @Test
    void faultsLiveOnlyAroundTheTestBodyAndResourcesOnlyAroundTheClass() {
        EngineExecutionResults results = Engine.runOnSharedMesh(LifecycleCase.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        assertThat(EVENTS).as("what each lifecycle step saw of the VirtualService order-server").containsExactly(
                "beforeAll vs=present faulted=false",
                "beforeEach vs=present faulted=false",
                "test vs=present faulted=true 503s=20/20",
                "afterEach vs=present faulted=false",
                "afterAll vs=present faulted=false");
        assertThat(SharedMesh.virtualService("order-server")).as("the class's resource after the run (cleanup ALWAYS)").isEmpty();
        assertThat(SharedMesh.CLOSES).as("closes of the run's environment: once, after the last class").hasValue(1);
    }

    @Test
    void theSpecIsRestoredExactlyAfterAPassingTest() {
        Engine.runOnSharedMesh(RestoreCase.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));

        assertThat(EVENTS).as("spec hash before the fault, then after its removal").hasSize(2);
        assertThat(EVENTS.get(1)).as("spec hash after removal").isEqualTo(EVENTS.get(0));
    }

    @Test
    void theFaultIsRemovedAndTheSpecRestoredAfterAFailingTest() {
        EngineExecutionResults results = Engine.runOnSharedMesh(FailingCase.class);

        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(EVENTS).as("spec hash before the fault, then after its removal").hasSize(2);
        assertThat(EVENTS.get(1)).as("spec hash after removal following a failure").isEqualTo(EVENTS.get(0));
    }

    static String state(Mesh mesh) {
        boolean present = SharedMesh.virtualService("order-server").isPresent();
        boolean faulted = SharedMesh.routeNames("order-server").stream().anyMatch(n -> n.startsWith("fh-" + mesh.runId()));
        return "vs=" + (present ? "present" : "absent") + " faulted=" + faulted;
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class LifecycleCase {

        @BeforeAll
        static void beforeAll(Mesh mesh) {
            EVENTS.add("beforeAll " + state(mesh));
        }

        @BeforeEach
        void beforeEach(Mesh mesh) {
            EVENTS.add("beforeEach " + state(mesh));
        }

        @Test
        @AbortFault(host = "order-server", namespace = "k1s0-service", percent = 100, httpStatus = 503)
        void body(Mesh mesh) {
            TrafficResult sent = mesh.from("order-bff", "k1s0-service").send(mesh.request("order-server", "k1s0-service"))
                    .atRate(200).forRequests(20).run();
            EVENTS.add("test " + state(mesh) + " 503s=" + sent.total().responses(503) + "/" + sent.total().sent());
        }

        @AfterEach
        void afterEach(Mesh mesh) {
            EVENTS.add("afterEach " + state(mesh));
        }

        @AfterAll
        static void afterAll(Mesh mesh) {
            EVENTS.add("afterAll " + state(mesh));
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class RestoreCase {

        @BeforeEach
        void before() {
            EVENTS.add(SharedMesh.specHash("order-server"));
        }

        @Test
        @AbortFault(host = "order-server", namespace = "k1s0-service", percent = 50, httpStatus = 503)
        void passes() {
            assertThat(SharedMesh.routeNames("order-server")).as("routes while the fault is in").hasSize(2);
        }

        @AfterEach
        void after() {
            EVENTS.add(SharedMesh.specHash("order-server"));
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    @MeshResource("classpath:junit/order-server-vs.yaml")
    static class FailingCase {

        @BeforeEach
        void before() {
            EVENTS.add(SharedMesh.specHash("order-server"));
        }

        @Test
        @AbortFault(host = "order-server", namespace = "k1s0-service", percent = 50, httpStatus = 503)
        void fails() {
            throw new AssertionError("the test body fails while the fault is installed");
        }

        @AfterEach
        void after() {
            EVENTS.add(SharedMesh.specHash("order-server"));
        }
    }
}
