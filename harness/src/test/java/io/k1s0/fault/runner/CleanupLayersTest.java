package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing left behind, layer by layer, against a standalone {@code fault-runner local-mesh} (its own child process,
 * reached only through the kubeconfig it writes): the runner runs in a second child JVM; SIGTERM during injection
 * removes the faults (shutdown hook), {@code kill -9} leaves them, and the next start's sweep removes them (owner
 * Job gone). Last, the mesh itself stops cleanly on SIGTERM.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CleanupLayersTest {

    private static final Duration UNTIL_INJECTING = Duration.ofSeconds(150);
    /** What {@code Process.exitValue()} reports on Linux for a process ended by a signal: 128 + the signal number. */
    private static final int KILLED_BY_SIGKILL = 128 + 9;
    private static final int ENDED_BY_SIGTERM = 128 + 15;

    @TempDir
    static Path dir;
    private static RunnerMesh mesh;
    private static Path experiment;

    @BeforeAll
    static void startStandaloneMesh() throws IOException {
        mesh = RunnerMesh.standalone(dir, Duration.ofSeconds(90));
        experiment = Files.writeString(dir.resolve("order-server.yaml"), RunBadInputTest.base());
    }

    @AfterAll
    static void stopMesh() {
        if (mesh != null) {
            mesh.close();
        }
    }

    private static List<String> runArgs(String runId) {
        List<String> args = new ArrayList<>(List.of("run", "--experiment", experiment.toString(), "--run-id", runId,
                "--output", dir.resolve("reports").toString()));
        args.addAll(mesh.clusterOptions());
        return args;
    }

    @Test
    @Order(1)
    void sigtermDuringInjectionRemovesTheFaultsWithinFiveSeconds() {
        try (ChildRunner child = ChildRunner.start(mesh.kubeconfig(), Map.of(), runArgs("sigterm-test"))) {
            child.awaitLine("the child runner installs its faults", "faults installed", UNTIL_INJECTING);
            assertThat(mesh.markedBy("sigterm-test")).as("VirtualServices marked by the run while injecting").isNotEmpty();

            Instant term = Instant.now();
            child.terminate();

            await("faults of the SIGTERMed run removed").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> mesh.markedBy("sigterm-test").isEmpty());
            Duration took = Duration.between(term, Instant.now());
            child.awaitExit(Duration.ofSeconds(30));
            assertThat(took).as("time from SIGTERM to faults gone").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    @Order(2)
    void killNineLeavesTheFaultAndTheNextStartSweepsItBackToTheOriginalSpec() {
        JsonNode original = mesh.virtualServiceSpec("k1s0-service", "order-server");
        Map<String, String> job = Map.of("JOB_NAME", "fault-runner-crashed", "POD_NAMESPACE", "k1s0-chaos");
        try (ChildRunner child = ChildRunner.start(mesh.kubeconfig(), job, runArgs("crash-test"))) {
            await("the faulted route copy fh-crash-test-… is in VirtualService k1s0-service/order-server")
                    .atMost(UNTIL_INJECTING).pollInterval(Duration.ofMillis(200))
                    .failFast("the runner exited before injecting; output:\n" + child.output(), () -> !child.process().isAlive())
                    .until(() -> faultedRoutes("crash-test") > 0);

            child.process().destroyForcibly();
            assertThat(child.awaitExit(Duration.ofSeconds(30))).as("exit status of the runner after destroyForcibly(): SIGKILL, not a shutdown")
                    .isEqualTo(KILLED_BY_SIGKILL);
            assertThat(child.output()).as("a killed runner prints no cleanup").doesNotContain("faults removed");
        }
        assertThat(faultedRoutes("crash-test")).as("after kill -9 no hook ran: the faulted route copies are still there").isPositive();
        assertThat(mesh.virtualServiceSpec("k1s0-service", "order-server")).as("spec while the crashed run's fault is left")
                .isNotEqualTo(original);

        List<String> next = new ArrayList<>(runArgs("after-crash"));
        next.addAll(List.of("--duration", "6s", "--rate", "10"));
        int exit;
        String output;
        try (ChildRunner child = ChildRunner.start(mesh.kubeconfig(), Map.of(), next)) {
            exit = child.awaitExit(Duration.ofSeconds(180));
            output = child.output();
        }

        assertThat(output).as("the next run's output")
                .containsPattern("swept k1s0-service/order-server: run crash-test, ORPHANED, \\d+ route\\(s\\)");
        assertThat(exit).as("exit code of the next run (0 pass, 1 fail/inconclusive; 4 would be a failed cleanup); output:%n%s", output)
                .isIn(0, 1);
        assertThat(mesh.markedBy("crash-test")).as("VirtualServices still marked by the crashed run").isEmpty();
        assertThat(mesh.markedBy("after-crash")).as("VirtualServices marked by the next run after it ended").isEmpty();
        assertThat(mesh.virtualServiceSpec("k1s0-service", "order-server"))
                .as("spec of k1s0-service/order-server after the sweep and the next run, against the spec before the crash")
                .isEqualTo(original);
    }

    @Test
    @Order(3)
    void theStandaloneMeshStopsCleanlyOnSigterm() {
        ChildRunner localMesh = mesh.process().orElseThrow();
        localMesh.terminate();

        assertThat(localMesh.awaitExit(Duration.ofSeconds(60))).as("exit status of local-mesh after SIGTERM; output:%n%s", localMesh.output())
                .isEqualTo(ENDED_BY_SIGTERM);
        assertThat(localMesh.output()).as("local-mesh output").contains("local mesh stopped").doesNotContain("Exception");
        assertThatThrownBy(() -> new Socket(mesh.api().getHost(), mesh.api().getPort()).close())
                .as("the Kubernetes API %s is closed after the stop", mesh.api()).isInstanceOf(IOException.class);
    }

    private static long faultedRoutes(String runId) {
        VirtualService vs = mesh.client().resources(VirtualService.class).inNamespace("k1s0-service").withName("order-server").get();
        return vs == null ? 0 : vs.getSpec().getHttp().stream()
                .filter(r -> r.getName() != null && r.getName().startsWith("fh-" + runId + "-")).count();
    }
}
