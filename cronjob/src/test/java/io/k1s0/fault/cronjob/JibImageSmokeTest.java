package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the built image into podman and runs it the way the CronJob does: as the image's own user (65532),
 * read-only root filesystem with a tmpfs {@code /tmp}, input mounted read-only, no network. Uses runc with low
 * ulimits, the only way podman runs containers in a sandbox without CAP_SYS_RESOURCE (crun fails there).
 */
class JibImageSmokeTest {

    /** The entrypoint cronjob/README.md documents; the CronJob's {@code args} are appended to it. */
    private static final List<String> DOCUMENTED_ENTRYPOINT = List.of("java", "-XX:MaxRAMPercentage=75",
            "-Djava.io.tmpdir=/tmp", "-cp", "@/app/jib-classpath-file", "io.k1s0.fault.runner.FaultRunner");
    private static final String NONROOT = "65532:65532";

    private static Path podman;
    private static Path runc;
    private static String image;

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

    /** Why the image cannot be smoke-run here, or null when it can. */
    private static String cannotRun;

    @BeforeAll
    static void loadTheImage() throws Exception {
        Path tar = ProjectFiles.jibTar();
        Optional<Path> podmanOnPath = Processes.onPath("podman");
        Optional<Path> runcFound = Processes.onPath("runc").or(() -> Optional.of(Path.of("/usr/sbin/runc")).filter(Files::isExecutable));
        String mainClass = ProjectFiles.runnerMainClass();
        if (!Files.isRegularFile(tar)) {
            cannotRun = "no image tarball at " + tar
                    + "; build it with mvn -pl cronjob -am -Pimage package (or -Pimage,offline-base, see cronjob/README.md)";
        } else if (podmanOnPath.isEmpty()) {
            cannotRun = "podman is not on PATH; image not smoke-run";
        } else if (runcFound.isEmpty()) {
            cannotRun = "runc is not installed; podman's default crun cannot run containers in this sandbox";
        } else if (!onTestClasspath(mainClass)) {
            cannotRun = mainClass + " is not in fault-harness yet, so the image has no runner to start";
        }
        if (cannotRun != null) {
            return;
        }
        podman = podmanOnPath.get();
        runc = runcFound.get();
        image = imageReference(tar);

        Processes.Result load = Processes.run(Duration.ofMinutes(3), List.of(podman.toString(), "load", "-i", tar.toString()));
        assertThat(load.exitCode()).as("podman load exit code; output:%n%s", load.output()).isZero();
    }

    /** Per test rather than in {@code @BeforeAll}, so each test is reported as skipped with the reason. */
    @BeforeEach
    void requireARunnableImage() {
        assumeTrue(cannotRun == null, cannotRun);
    }

    /** {@code podman run} as the CronJob runs the pod: read-only root, tmpfs /tmp, no network, the image's user. */
    private static Processes.Result runInImage(List<String> options, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(podman.toString(), "--runtime", runc.toString(), "run", "--rm",
                "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
                "--read-only", "--tmpfs", "/tmp"));
        command.addAll(options);
        command.add(image);
        command.addAll(args);
        return Processes.run(Duration.ofMinutes(2), command);
    }

    @Test
    void helpExitsZeroAsUser65532WithTheDocumentedEntrypoint() throws Exception {
        Processes.Result inspect = Processes.run(Duration.ofMinutes(1), List.of(podman.toString(), "image", "inspect", image));
        assertThat(inspect.exitCode()).as("podman image inspect; output:%n%s", inspect.output()).isZero();
        JsonNode config = Json.JSON.readTree(inspect.output()).get(0).path("Config");
        assertThat(config.path("User").asText()).as("the user podman (and the kubelet) start the container as").isEqualTo(NONROOT);
        assertThat(Json.JSON.convertValue(config.path("Entrypoint"), List.class)).as("entrypoint podman runs")
                .isEqualTo(DOCUMENTED_ENTRYPOINT);
        assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull() || config.path("Cmd").isEmpty())
                .as("no default CMD, so the CronJob's args are the whole command line: %s", config.path("Cmd")).isTrue();

        Processes.Result help = runInImage(List.of(), List.of("--help"));
        assertThat(help.exitCode()).as("exit code of 'fault-runner --help' in the image; output:%n%s", help.output()).isZero();
        assertThat(help.output()).as("help text").contains("Usage: fault-runner").contains("run").contains("sweep")
                .contains("local-mesh").contains("Exit codes:");

        // The JVM resolves its uid through /etc/passwd: nonroot is uid 65532 in the base image.
        Processes.Result whoAmI = runInImage(List.of("--entrypoint", "java"), List.of("-XshowSettings:properties", "-version"));
        assertThat(whoAmI.exitCode()).as("java -XshowSettings in the image; output:%n%s", whoAmI.output()).isZero();
        assertThat(whoAmI.output()).as("the user the container's JVM runs as").contains("user.name = nonroot")
                .contains("user.home = /home/nonroot");
    }

    @Test
    void lintOfTheShippedManifestsMountedReadOnlyExitsZero() throws Exception {
        Path manifests = ProjectFiles.designManifestsDir();

        Processes.Result lint = runInImage(List.of("-v", manifests + ":/manifests:ro"), List.of("lint", "/manifests"));

        assertThat(lint.exitCode()).as("exit code of 'fault-runner lint /manifests' in the image; output:%n%s", lint.output()).isZero();
        assertThat(lint.output()).as("lint summary").containsPattern("\\d+ files: 0 errors");
    }

    @Test
    void theShippedWeeklyExperimentPassesADryRunAndABrokenCopyExitsTwoNamingTheField(@TempDir Path dir) throws Exception {
        String weekly = Files.readString(ProjectFiles.manifestsDir().resolve("weekly.yaml"));
        assertThat(weekly).as("the shipped weekly experiment has the field this test breaks").contains("rate: 50");
        Path good = Files.createDirectories(dir.resolve("good"));
        Path bad = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(good.resolve("weekly.yaml"), weekly);
        Files.writeString(bad.resolve("weekly.yaml"), weekly.replace("rate: 50", "rate: fifty"));
        // The files are read by uid 65532 inside the container.
        for (Path p : List.of(dir, good, bad, good.resolve("weekly.yaml"), bad.resolve("weekly.yaml"))) {
            p.toFile().setReadable(true, false);
            p.toFile().setExecutable(Files.isDirectory(p), false);
        }

        Processes.Result dryRun = runInImage(List.of("-v", good + ":/config:ro"),
                List.of("run", "--experiment", "/config/weekly.yaml", "--dry-run"));
        Processes.Result broken = runInImage(List.of("-v", bad + ":/config:ro"),
                List.of("run", "--experiment", "/config/weekly.yaml", "--dry-run"));

        assertThat(dryRun.exitCode()).as("the shipped weekly experiment, --dry-run in the image; output:%n%s", dryRun.output()).isZero();
        assertThat(dryRun.output()).as("dry-run output").contains("dry run: nothing applied");
        assertThat(broken.exitCode()).as("exit code for 'rate: fifty'; output:%n%s", broken.output()).isEqualTo(2);
        assertThat(broken.output()).as("the error names the file, line, field and value")
                .containsPattern("weekly\\.yaml:\\d+: spec\\.traffic\\.rate: wrong type: got \"fifty\"")
                .contains("nothing was applied");
    }
}
