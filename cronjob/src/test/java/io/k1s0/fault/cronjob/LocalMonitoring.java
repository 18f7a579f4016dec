package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.fail;

import io.k1s0.fault.runner.LoopbackProcess;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Debian {@code prometheus} and {@code prometheus-pushgateway} on free 127.0.0.1 ports, with a temp
 * directory for config, TSDB and the gateway's persistence file. Prometheus scrapes every second: the local
 * mesh's sidecars from a {@code file_sd} file, the runner's live {@code /metrics}, and the Pushgateway with
 * {@code honor_labels: true} (grafana/README.md). Without a binary the test is skipped with the reason, or fails
 * when {@value Promtool#REQUIRE_ENV}=true.
 */
final class LocalMonitoring implements AutoCloseable {

    static final String MESH_JOB = "kubernetes-pods";
    static final String RUNNER_JOB = "fault-runner";
    static final String PUSHGATEWAY_JOB = "pushgateway";
    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

    private final Path dir;
    private final List<LoopbackProcess> processes = new ArrayList<>();
    private URI pushgateway;
    private URI prometheus;

    private LocalMonitoring(Path dir) {
        this.dir = dir;
    }

    /** Both binaries, or a skipped test naming what is missing (a failed one when the environment requires them). */
    static void requireBinariesOrSkip() {
        requireBinariesOrSkip(Processes::onPath, System.getenv(Promtool.REQUIRE_ENV));
    }

    static void requireBinariesOrSkip(java.util.function.Function<String, java.util.Optional<Path>> onPath, String required) {
        List<String> missing = Stream.of("prometheus", "prometheus-pushgateway")
                .filter(tool -> onPath.apply(tool).isEmpty()).toList();
        if (missing.isEmpty()) {
            return;
        }
        String reason = missing + " not on PATH (install: apt-get install prometheus prometheus-pushgateway); "
                + "the dashboard's queries were not run against a real Prometheus";
        if (Boolean.parseBoolean(required)) {
            fail(reason + ", but " + Promtool.REQUIRE_ENV + "=true");
        }
        Assumptions.abort(reason);
    }

    /** Starts the Pushgateway, then Prometheus scraping the sidecars in {@code fileSd}, {@code runnerMetrics} and the gateway. */
    static LocalMonitoring start(Path fileSd, String runnerMetricsHostPort) throws IOException {
        requireBinariesOrSkip();
        LocalMonitoring m = new LocalMonitoring(Files.createTempDirectory("dashboard-prometheus"));
        try {
            m.pushgateway = m.launch("pushgateway", LoopbackProcess.PUSHGATEWAY_READY, port -> List.of(Processes.onPath("prometheus-pushgateway").orElseThrow().toString(),
                    "--web.listen-address=127.0.0.1:" + port, "--persistence.file=" + m.dir.resolve("pushgateway.data")));
            Path config = Files.writeString(m.dir.resolve("prometheus.yml"), config(fileSd, runnerMetricsHostPort,
                    "127.0.0.1:" + m.pushgateway.getPort()));
            m.prometheus = m.launch("prometheus", LoopbackProcess.PROMETHEUS_READY, port -> List.of(Processes.onPath("prometheus").orElseThrow().toString(),
                    "--config.file=" + config, "--storage.tsdb.path=" + m.dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port));
            return m;
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
    }

    static String config(Path fileSd, String runnerMetricsHostPort, String pushgatewayHostPort) {
        return String.join("\n",
                "global:",
                "  scrape_interval: " + SCRAPE_INTERVAL.toSeconds() + "s",
                "  scrape_timeout: " + SCRAPE_INTERVAL.toSeconds() + "s",
                "scrape_configs:",
                "  - job_name: " + MESH_JOB,
                "    file_sd_configs:",
                "      - files: ['" + fileSd.toAbsolutePath() + "']",
                "  - job_name: " + RUNNER_JOB,
                "    static_configs:",
                "      - targets: ['" + runnerMetricsHostPort + "']",
                "  - job_name: " + PUSHGATEWAY_JOB,
                "    honor_labels: true",
                "    static_configs:",
                "      - targets: ['" + pushgatewayHostPort + "']",
                "");
    }

    URI prometheus() {
        return prometheus;
    }

    URI pushgateway() {
        return pushgateway;
    }

    Path logOf(String name) {
        return dir.resolve(name + ".log");
    }

    /** Starts {@code name} on a free port (another one if it was taken meanwhile, {@link LoopbackProcess}), ready. */
    private URI launch(String name, String readyLine, IntFunction<List<String>> commandOnPort) {
        LoopbackProcess process = LoopbackProcess.start(name, commandOnPort, logOf(name), readyLine);
        processes.add(process);
        return process.url();
    }

    /** The log of a process, for assertion messages. */
    String log(String name) {
        try {
            return Files.exists(logOf(name)) ? Files.readString(logOf(name)) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
