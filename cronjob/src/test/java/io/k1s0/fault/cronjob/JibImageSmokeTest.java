package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/**
 * Loads the built image into podman and runs {@code --help} in it. Uses runc with low ulimits, the only way
 * podman runs containers in a sandbox without CAP_SYS_RESOURCE (crun fails there).
 */
class JibImageSmokeTest {

    private static String imageReference(Path tar) throws Exception {
        try (InputStream file = Files.newInputStream(tar); TarArchiveInputStream in = new TarArchiveInputStream(file)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.getName().equals("index.json")) {
                    return Json.JSON.readTree(in.readAllBytes()).path("manifests").get(0).path("annotations")
                            .path("org.opencontainers.image.ref.name").asText();
                }
            }
        }
        throw new AssertionError(tar + " has no index.json");
    }

    private static boolean onTestClasspath(String className) {
        try {
            Class.forName(className, false, JibImageSmokeTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    @Test
    void theImagePrintsTheRunnersHelp() throws Exception {
        Path tar = ProjectFiles.jibTar();
        assumeTrue(Files.isRegularFile(tar), "no image tarball at " + tar + "; build it with mvn -pl cronjob -am -Pimage package");
        Optional<Path> podman = Processes.onPath("podman");
        assumeTrue(podman.isPresent(), "podman is not on PATH; image not smoke-run");
        Optional<Path> runc = Processes.onPath("runc").or(() -> Optional.of(Path.of("/usr/sbin/runc")).filter(Files::isExecutable));
        assumeTrue(runc.isPresent(), "runc is not installed; podman's default crun cannot run containers in this sandbox");
        String mainClass = ProjectFiles.runnerMainClass();
        assumeTrue(onTestClasspath(mainClass), mainClass + " is not in fault-harness yet, so the image has no runner to start");

        Processes.Result load = Processes.run(Duration.ofMinutes(3), List.of(podman.get().toString(), "load", "-i", tar.toString()));
        assertThat(load.exitCode()).as("podman load exit code; output:%n%s", load.output()).isZero();

        Processes.Result help = Processes.run(Duration.ofMinutes(2), List.of(podman.get().toString(),
                "--runtime", runc.get().toString(), "run", "--rm", "--network", "none",
                "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--read-only", "--tmpfs", "/tmp",
                imageReference(tar), "--help"));
        assertThat(help.exitCode()).as("exit code of 'fault-runner --help' in the image; output:%n%s", help.output()).isZero();
        assertThat(help.output()).as("help text").contains("Usage:").contains("fault-runner").contains("run");
    }
}
