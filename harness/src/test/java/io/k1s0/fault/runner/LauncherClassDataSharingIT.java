package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./fault-runner} launcher's class-data archive: recorded by a launch that got as far as a mesh, then
 * mapped by the next launch; not kept from a launch that stopped at bad input; not recorded by other commands or when
 * switched off. Runs after {@code package}, when the jar the
 * launcher starts exists.
 */
class LauncherClassDataSharingIT {
    private static final Path LAUNCHER = Path.of("..", "fault-runner").toAbsolutePath().normalize();

    @TempDir
    Path work;

    private record Launch(int exitCode, String output) {}

    @BeforeAll
    static void launcherAndJarExist() {
        assumeTrue(Files.isExecutable(LAUNCHER), "no ./fault-runner launcher at " + LAUNCHER);
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "the launcher is a bash script and this machine has no /bin/bash");
    }

    @Test
    @Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // reading the child's output blocks
    void aLocalMeshRecordsTheArchiveAndTheNextLaunchLoadsTheRunnersClassesFromIt() throws Exception {
        Path cds = work.resolve("cds");
        Path manifests = Files.createDirectories(work.resolve("manifests"));
        Path workloads = Files.writeString(work.resolve("workloads.yaml"), "workloads:\n- name: solo\n  namespace: cds\n");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", LAUNCHER.toString(), "local-mesh", "--manifests", manifests.toString(),
                "--workloads", workloads.toString()).directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("FAULT_RUNNER_CDS_DIR", cds.toString());
        Process mesh = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(mesh.getInputStream(), StandardCharsets.UTF_8))) {
            StringBuilder seen = new StringBuilder();
            for (String line = out.readLine(); line != null && !line.contains("proxy http"); line = out.readLine()) {
                seen.append(line).append('\n');
            }
            assertThat(mesh.isAlive()).as("local-mesh still running after printing its proxy; output:\n%s", seen).isTrue();
            mesh.toHandle().destroy();   // SIGTERM (leaving the output open to drain); the JVM writes the archive as it exits
            out.transferTo(Writer.nullWriter());
        }
        assertThat(mesh.waitFor(60, TimeUnit.SECONDS)).as("local-mesh stopped within 60 s of SIGTERM").isTrue();
        assertThat(archives(cds)).as("archives in %s after a local mesh was up", cds).hasSize(1);
        assertThat(Path.of(archives(cds).get(0) + ".complete")).as("the runner's mark that the recording saw a mesh").exists();

        Path classLog = work.resolve("class-load.log");
        Launch next = launch(cds, Map.of("FAULT_RUNNER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "run",
                "--experiment", work.resolve("missing.yaml").toString());
        assertThat(next.exitCode()).as("exit code of a run with a missing experiment file; output:\n%s", next.output()).isEqualTo(2);
        assertThat(Files.readAllLines(classLog)).as("class-load log of the next launch: the runner's own class from the archive")
                .anyMatch(l -> l.contains("io.k1s0.fault.runner.FaultRunner ") && l.contains("shared objects file"));
    }

    @Test
    void anArchiveRecordedByALaunchThatStoppedAtBadInputIsNotUsed() throws Exception {
        Path cds = work.resolve("cds");
        Path missing = work.resolve("no-such-experiment.yaml");
        Launch first = launch(cds, Map.of(), "run", "--experiment", missing.toString());
        assertThat(first.exitCode()).as("exit code of a run with a missing experiment file; output:\n%s", first.output()).isEqualTo(2);
        assertThat(archives(cds)).as("archives in %s after the first run (recorded at exit)", cds).hasSize(1);
        assertThat(Path.of(archives(cds).get(0) + ".complete")).as("mark of a run that never reached a mesh").doesNotExist();

        Path classLog = work.resolve("class-load.log");
        Launch second = launch(cds, Map.of("FAULT_RUNNER_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog), "run",
                "--experiment", missing.toString());
        assertThat(second.exitCode()).as("exit code of the same run again; output:\n%s", second.output()).isEqualTo(2);
        assertThat(second.output()).as("the second run's message").isEqualTo(first.output());
        assertThat(Files.readAllLines(classLog)).as("class-load log of the second launch: the runner's class not from that archive")
                .noneMatch(l -> l.contains("io.k1s0.fault.runner.FaultRunner ") && l.contains("shared objects file"));
    }

    @Test
    void otherCommandsAndASwitchedOffLauncherRecordNothing() throws Exception {
        Path cds = work.resolve("cds");
        Launch lint = launch(cds, Map.of(), "lint", work.toString());
        assertThat(lint.exitCode()).as("exit code of lint on an empty directory; output:\n%s", lint.output()).isIn(0, 1, 2);
        Launch help = launch(cds, Map.of(), "run", "--help");
        assertThat(help.exitCode()).as("exit code of run --help; output:\n%s", help.output()).isZero();
        Launch off = launch(cds, Map.of("FAULT_RUNNER_CDS", "off"), "run", "--experiment", work.resolve("missing.yaml").toString());
        assertThat(off.exitCode()).as("exit code with FAULT_RUNNER_CDS=off; output:\n%s", off.output()).isEqualTo(2);
        assertThat(archives(cds)).as("archives in %s after lint, run --help and a run with FAULT_RUNNER_CDS=off", cds).isEmpty();
    }

    private static List<Path> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("fault-runner-jdk-.*\\.(jsa|aot)")).toList();
        }
    }

    private static Launch launch(Path cdsDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("FAULT_RUNNER_CDS_DIR", cdsDir.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher finished within 120 s: %s", cmd).isTrue();
        return new Launch(p.exitValue(), out);
    }
}
