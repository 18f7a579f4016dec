package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The mesh is started once per run from the topology file, shared by the classes, and closed after the last one. */
class MeshRunTest {

    static final List<String> SEEN = new CopyOnWriteArrayList<>();

    @BeforeEach
    void clear() {
        SEEN.clear();
    }

    @Test
    void oneLocalMeshServesEveryClassOfARunAndIsClosedAfterTheLast() throws Exception {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(FirstCase.class), selectClass(SecondCase.class))
                .execute();

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(SEEN).as("API URL and run ID seen by both classes").hasSize(2).containsOnly(SEEN.get(0));
        URI api = URI.create(SEEN.get(0).split(" ")[0]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> http.send(HttpRequest.newBuilder(api.resolve("/api")).build(),
                HttpResponse.BodyHandlers.discarding())))
                .as("the embedded API after the run").isInstanceOf(ConnectException.class);
    }

    @Test
    void aMeshThatCannotStartFailsEveryClassWithTheSameErrorWithoutRetrying() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(BadTopologyCase.class), selectClass(AlsoBadTopologyCase.class))
                .execute();

        List<Throwable> failures = Failures.of(results);
        assertThat(failures).as("class failures").hasSize(2);
        assertThat(failures.get(1)).as("the second class's error: the cached first one").isSameAs(failures.get(0));
        assertThat(failures.get(0)).hasMessage("@MeshFaultTest on BadTopologyCase: workloads file "
                + "'classpath:junit/broken.yaml': expected a top-level 'workloads:' list with at least one entry");
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class FirstCase {
        @Test
        void seesTheMesh(Mesh mesh) {
            SEEN.add(mesh.client().getMasterUrl() + " " + mesh.runId() + " " + mesh.environment());
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/topology.yaml")
    static class SecondCase {
        @Test
        void seesTheSameMesh(Mesh mesh) {
            SEEN.add(mesh.client().getMasterUrl() + " " + mesh.runId() + " " + mesh.environment());
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/broken.yaml")
    static class BadTopologyCase {
        @Test
        void neverRuns() {
        }
    }

    @MeshFaultTest(workloads = "classpath:junit/broken.yaml")
    static class AlsoBadTopologyCase {
        @Test
        void neverRuns() {
        }
    }
}
