package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing left behind, layer by layer, against the local mesh reached as a cluster through its kubeconfig: the
 * runner runs in a child JVM; SIGTERM during injection removes the faults (shutdown hook), {@code kill -9} leaves
 * them, and the next start's sweep removes them (owner Job gone).
 */
class CleanupLayersTest {

    private static final Duration UNTIL_INJECTING = Duration.ofSeconds(150);

    @TempDir
    static Path dir;
    private static RunnerMesh mesh;
    private static Path experiment;

    @BeforeAll
    static void startMesh() throws IOException {
        mesh = RunnerMesh.start(dir);
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
    void sigtermDuringInjectionRemovesTheFaultsWithinFiveSeconds() {
        try (ChildRunner child = ChildRunner.start(mesh.kubeconfig(), Map.of(), runArgs("sigterm-test"))) {
            child.awaitLine("the child runner installs its faults", "faults installed", UNTIL_INJECTING);
            assertThat(mesh.markedBy("sigterm-test")).as("VirtualServices marked by the run while injecting").isNotEmpty();

            Instant term = Instant.now();
            child.process().destroy();

            await("faults of the SIGTERMed run removed").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> mesh.markedBy("sigterm-test").isEmpty());
            Duration took = Duration.between(term, Instant.now());
            child.awaitExit(Duration.ofSeconds(30));
            assertThat(took).as("time from SIGTERM to faults gone").isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void killNineLeavesTheFaultAndTheNextStartSweepsIt() {
        Map<String, String> job = Map.of("JOB_NAME", "fault-runner-crashed", "POD_NAMESPACE", "k1s0-chaos");
        try (ChildRunner child = ChildRunner.start(mesh.kubeconfig(), job, runArgs("crash-test"))) {
            child.awaitLine("the child runner installs its faults", "faults installed", UNTIL_INJECTING);
            child.process().destroyForcibly();
            child.awaitExit(Duration.ofSeconds(30));
        }
        assertThat(mesh.markedBy("crash-test")).as("after kill -9 no hook ran: the fault is still there").isNotEmpty();

        List<String> next = new ArrayList<>(runArgs("after-crash"));
        next.addAll(List.of("--duration", "6s", "--rate", "10"));
        RunBadInputTest.Outcome o;
        String previous = System.getProperty("kubeconfig");
        System.setProperty("kubeconfig", mesh.kubeconfig().toString());
        try {
            o = RunBadInputTest.run(next);
        } finally {
            if (previous == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", previous);
            }
        }

        assertThat(o.out()).as("the next run's output; stderr: %s", o.err())
                .containsPattern("swept k1s0-service/order-server: run crash-test, ORPHANED, \\d+ route\\(s\\)");
        assertThat(mesh.markedBy("crash-test")).as("VirtualServices still marked by the crashed run").isEmpty();
        assertThat(mesh.markedBy("after-crash")).as("VirtualServices marked by the next run after it ended").isEmpty();
    }
}
