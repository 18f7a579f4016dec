package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./fault-runner} launcher's garbage collector: the serial one unless {@code FAULT_RUNNER_JAVA_OPTS}
 * chooses another, which then replaces it instead of clashing with it. The JVM's own {@code -Xlog:gc} line says
 * which collector runs. Runs after {@code package}, when the jar the launcher starts exists.
 */
class LauncherCollectorIT {
    private static final Path LAUNCHER = Path.of("..", "fault-runner").toAbsolutePath().normalize();

    @BeforeAll
    static void launcherExists() {
        assumeTrue(Files.isExecutable(LAUNCHER), "no ./fault-runner launcher at " + LAUNCHER);
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "the launcher is a bash script and this machine has no /bin/bash");
    }

    @Test
    void theLauncherRunsTheSerialCollector() throws Exception {
        String out = versionWith("-Xlog:gc");
        assertThat(out).as("launcher output with -Xlog:gc").contains("Using Serial");
    }

    @Test
    void aCollectorChosenInTheJavaOptionsReplacesTheSerialOne() throws Exception {
        String out = versionWith("-XX:+UseParallelGC -Xlog:gc");
        assertThat(out).as("launcher output with -XX:+UseParallelGC -Xlog:gc").contains("Using Parallel").doesNotContain("Using Serial");
    }

    /** {@code ./fault-runner --version} with these JVM options; fails the test unless it exits 0. */
    private static String versionWith(String javaOptions) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/bash", LAUNCHER.toString(), "--version")).redirectErrorStream(true);
        pb.environment().put("FAULT_RUNNER_CDS", "off");
        pb.environment().put("FAULT_RUNNER_JAVA_OPTS", javaOptions);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished within 60 s").isTrue();
        assertThat(p.exitValue()).as("exit code of --version with FAULT_RUNNER_JAVA_OPTS=%s; output:\n%s", javaOptions, out).isZero();
        return out;
    }
}
