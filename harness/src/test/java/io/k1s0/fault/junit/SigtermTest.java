package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.k1s0.fault.localmesh.LocalMesh;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a JVM running a fault test removes its fault: the shutdown hook restores the spec within 5 s. */
class SigtermTest {

    private static LocalMesh mesh;

    @BeforeAll
    static void startMesh() {
        mesh = SharedMesh.start();
    }

    @AfterAll
    static void stopMesh() {
        SharedMesh.stop();
    }

    @Test
    void sigtermRemovesTheInstalledFaultWithinFiveSeconds(@TempDir Path dir) throws Exception {
        try (InputStream vs = SigtermTest.class.getResourceAsStream("/junit/order-server-vs.yaml")) {
            SharedMesh.client().resources(VirtualService.class).load(vs).createOr(NonDeletingOperation::update);
        }
        String before = SharedMesh.specHash("order-server");
        Path kubeconfig = mesh.writeKubeconfig(dir.resolve("kubeconfig"));
        Path marker = dir.resolve("installed");
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SigtermChild.class.getName(),
                kubeconfig.toString(), mesh.proxyFor("order-bff", "k1s0-service").toString(), marker.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("the child JVM installs its fault and proves it live").atMost(Duration.ofSeconds(120))
                    .failFast("the child JVM exited early; see " + log, () -> !child.isAlive())
                    .until(() -> Files.exists(marker));
            assertThat(SharedMesh.routeNames("order-server")).as("routes while the child holds the fault")
                    .anyMatch(name -> name.startsWith("fh-junit-"));

            child.destroy();

            await("the fault is removed after SIGTERM").atMost(Duration.ofSeconds(5))
                    .until(() -> SharedMesh.specHash("order-server").equals(before));
            assertThat(SharedMesh.routeNames("order-server")).as("routes after SIGTERM").containsExactly("default");
        } finally {
            child.destroyForcibly();
        }
    }
}
