package io.k1s0.fault.metrics;

import io.k1s0.fault.runner.LoopbackProcess;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Debian {@code prometheus} on a free 127.0.0.1 port with a temp config (job {@value #JOB}, scrape_interval
 * 1s, targets static or from a file_sd file) and temp storage.
 * Without a binary the test is skipped with a visible reason, unless FAULT_HARNESS_REQUIRE_PROMETHEUS=true, where
 * it fails.
 */
final class LocalPrometheus implements AutoCloseable {

    static final String JOB = "mesh";

    private final LoopbackProcess process;
    private final Path dir;

    private LocalPrometheus(LoopbackProcess process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** Scrapes one target ({@code host:port}, path {@code /stats/prometheus}) listed in the config itself. */
    static LocalPrometheus scraping(String hostPort) throws IOException {
        return start(String.join("\n",
                "    static_configs:",
                "      - targets: ['" + hostPort + "']"));
    }

    /**
     * Scrapes the targets of a Prometheus {@code file_sd} JSON file (e.g. the local mesh's
     * {@code fileSdPath()}); their target labels and {@code __metrics_path__} come from the file.
     */
    static LocalPrometheus scrapingFileSd(Path targetsFile) throws IOException {
        return start(String.join("\n",
                "    file_sd_configs:",
                "      - files: ['" + targetsFile.toAbsolutePath() + "']"));
    }

    private static LocalPrometheus start(String targets) throws IOException {
        Optional<Path> binary = findBinary();
        if (binary.isEmpty()) {
            missingBinary(System.getenv("FAULT_HARNESS_REQUIRE_PROMETHEUS"));
        }
        Path dir = Files.createTempDirectory("fault-harness-prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "scrape_configs:",
                "  - job_name: " + JOB,
                "    metrics_path: /stats/prometheus",
                targets,
                ""));
        // A port taken between probing and binding gets another port, not a failed test (LoopbackProcess).
        LoopbackProcess process = LoopbackProcess.start("prometheus", port -> List.of(binary.get().toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port),
                dir.resolve("prometheus.log"), LoopbackProcess.PROMETHEUS_READY);
        return new LocalPrometheus(process, dir);
    }

    /** Skips the test (visible reason), or fails it when the environment requires Prometheus. */
    static void missingBinary(String requireSetting) {
        String reason = "no 'prometheus' binary on PATH; install Debian's package (apt-get install prometheus)";
        if ("true".equalsIgnoreCase(requireSetting)) {
            throw new IllegalStateException(reason + " — required because FAULT_HARNESS_REQUIRE_PROMETHEUS=true");
        }
        Assumptions.abort(reason);
    }

    /** {@code http://127.0.0.1:PORT}, without the trailing slash of {@link LoopbackProcess#url()}. */
    URI base() {
        return URI.create("http://127.0.0.1:" + process.url().getPort());
    }

    private static Optional<Path> findBinary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : path.split(File.pathSeparator)) {
            Path candidate = Path.of(d, "prometheus");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() throws Exception {
        process.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
