package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs Prometheus' promtool (Debian package {@code prometheus}) when it is on PATH. */
final class Promtool {

    static final String REQUIRE_ENV = "FAULT_HARNESS_REQUIRE_PROMETHEUS";

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Optional<Path> locate() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The promtool binary, or a skipped test with the reason (a failed one when the environment requires it). */
    static Path requireOrSkip() {
        Optional<Path> promtool = locate();
        if (promtool.isEmpty() && Boolean.parseBoolean(System.getenv(REQUIRE_ENV))) {
            fail("promtool is not on PATH but " + REQUIRE_ENV + "=true; install it with 'apt-get install prometheus'");
        }
        assumeTrue(promtool.isPresent(), "promtool is not on PATH (Debian package 'prometheus'); PromQL syntax not checked");
        return promtool.get();
    }

    static Result run(Path promtool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
