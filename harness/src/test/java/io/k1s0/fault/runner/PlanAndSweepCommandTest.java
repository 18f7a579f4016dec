package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.istio.FaultInstaller;
import io.k1s0.fault.istio.FaultSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan} prints the change and writes nothing; {@code sweep} removes expired faults and says what it removed. */
class PlanAndSweepCommandTest {

    @TempDir
    static Path dir;
    private static RunnerMesh mesh;

    @BeforeAll
    static void startMesh() {
        mesh = RunnerMesh.start(dir);
        System.setProperty("kubeconfig", mesh.kubeconfig().toString());
    }

    @AfterAll
    static void stopMesh() {
        System.clearProperty("kubeconfig");
        if (mesh != null) {
            mesh.close();
        }
    }

    @Test
    void planPrintsTheFaultedRoutesInsertedIntoTheExistingVirtualServiceAndAppliesNothing() throws IOException {
        Path file = Files.writeString(dir.resolve("order-server.yaml"), RunBadInputTest.base());
        Map<String, String> before = mesh.virtualServices();

        RunBadInputTest.Outcome o = RunBadInputTest.run(List.of("plan", file.toString(), "--environment", "cluster"));

        assertThat(o.exitCode()).as("plan exit code; stderr: %s", o.err()).isZero();
        assertThat(o.out()).as("plan output")
                .contains("# UPDATE VirtualService k1s0-service/order-server")
                .containsPattern("\\+ +name: \"?fh-plan-")
                .containsPattern("\\+ +httpStatus: 503")
                .containsPattern("\\+ +fault.k1s0.io/expires-at: ")
                .contains("1 VirtualService change(s) planned for 1 target service(s); nothing applied");
        assertThat(mesh.virtualServices()).as("VirtualServices after plan").isEqualTo(before);
    }

    @Test
    void sweepRemovesAnExpiredFaultAndReportsIt() {
        Clock anHourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        new FaultInstaller(mesh.client(), "expired-run", "runner/1", anHourAgo)
                .install(FaultSpec.builder().target("order-server", "k1s0-service").abort(5, 503).build(), Duration.ofMinutes(1));
        assertThat(mesh.markedBy("expired-run")).as("the expired fault before the sweep").isNotEmpty();

        RunBadInputTest.Outcome o = RunBadInputTest.run(List.of("sweep"));

        assertThat(o.exitCode()).as("sweep exit code; stderr: %s", o.err()).isZero();
        assertThat(o.out()).as("sweep output")
                .containsPattern("removed run expired-run from VirtualService k1s0-service/order-server \\(EXPIRED, \\d+ route\\(s\\)\\)")
                .contains("1 VirtualService(s) swept");
        assertThat(mesh.markedBy("expired-run")).as("VirtualServices marked by the expired run after the sweep").isEmpty();
    }

    @Test
    void sweepRejectsAMalformedRunIdNamingTheOption() {
        RunBadInputTest.Outcome o = RunBadInputTest.run(List.of("sweep", "--run-id", "Not_Valid"));

        assertThat(o.exitCode()).as("exit code").isEqualTo(2);
        assertThat(o.err()).as("error").contains("--run-id: runId: 'Not_Valid' is not allowed; allowed: 1-20 characters");
    }
}
