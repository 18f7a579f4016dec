package io.k1s0.fault.junit;

import static io.k1s0.fault.api.MeshAssertions.percent;
import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.FaultWindow;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The injected fault window: its edge, configured percentages, bounds and the client histogram. */
@ExtendWith(SharedMesh.PerClass.class)
class FaultWindowTest {

    private static final String NS = "k1s0-service";
    static final List<Object> SEEN = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    @Test
    void theWindowKnowsItsEdgeAndConfigurationAndCountsOnlyTheTestBodysTraffic() {
        Engine.runOnSharedMesh(WindowCase.class).testEvents().assertStatistics(s -> s.succeeded(1));

        FaultWindow w = (FaultWindow) SEEN.get(0);
        TrafficResult sent = (TrafficResult) SEEN.get(1);
        assertThat(w.caller()).as("caller: the workload the test sent from").isEqualTo("order-bff");
        assertThat(w.target()).as("target: the faulted host").isEqualTo("order-server");
        assertThat(w.abortPercent()).as("configured abort").contains(percent(100));
        assertThat(w.delayPercent()).as("configured delay").isEmpty();
        assertThat(w.clientLatency()).as("client histogram attached").isPresent();
        assertThat(w.start()).as("window start vs first send").isBefore(sent.start());
        assertThat(w.end()).as("window end vs last response").isAfter(sent.end());
        assertThat(w.snapshot().sum("istio_requests_total", w.scope().eq("reporter", "source")))
                .as("requests counted: only the body's 40, not the gate's probes nor the @BeforeEach traffic").isEqualTo(40.0);
    }

    @Test
    void aWindowWithoutTrafficCannotGuessItsCaller() {
        Throwable failure = Failures.only(Engine.runOnSharedMesh(NoTrafficCase.class));

        assertThat(failure).isInstanceOf(IllegalStateException.class)
                .hasMessage("the fault window's caller is unknown: traffic was sent from no workload through Mesh.from(...) "
                        + "while it was open; name it with window.edge(caller, target)");
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class WindowCase {
        @BeforeEach
        void trafficBeforeTheFault(Mesh mesh) {
            mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(100).forRequests(5).run();
        }

        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void sendsAndJudges(Mesh mesh, MeshWindow window) {
            TrafficResult sent = mesh.from("order-bff", NS).send(mesh.request("order-server", NS)).atRate(200).forRequests(40).run();
            FaultWindow result = window.result(sent);
            SEEN.add(result);
            SEEN.add(sent);
            assertThat(result.snapshot().sum("istio_requests_total", result.scope())).as("requests in the window").isPositive();
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class NoTrafficCase {
        @Test
        @AbortFault(host = "order-server", namespace = NS, percent = 100, httpStatus = 503)
        void judgesNothing(MeshWindow window) {
            window.result();
        }
    }
}
