package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs Prometheus' promtool (Debian package {@code prometheus}) when it is on PATH. */
final class Promtool {

    static final String REQUIRE_ENV = "FAULT_HARNESS_REQUIRE_PROMETHEUS";

    private Promtool() {
    }

    static Optional<Path> locate() {
        return Processes.onPath("promtool");
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

    static Processes.Result run(Path promtool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(promtool.toString());
        command.addAll(List.of(args));
        return Processes.run(Duration.ofSeconds(60), command);
    }
}
