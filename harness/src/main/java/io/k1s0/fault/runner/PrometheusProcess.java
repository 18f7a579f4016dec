package io.k1s0.fault.runner;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** A real {@code prometheus} process on a free loopback port that scrapes the local mesh through file_sd. */
final class PrometheusProcess implements AutoCloseable {
    private final LoopbackProcess process;

    private PrometheusProcess(LoopbackProcess process) {
        this.process = process;
    }

    /** {@code PROMETHEUS_BIN} if set (must be executable), else {@code prometheus} on {@code PATH}. */
    static Optional<Path> locate(Map<String, String> env) {
        String explicit = env.get("PROMETHEUS_BIN");
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = env.getOrDefault("PATH", "");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, "prometheus"))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    /** Writes its config and data under {@code workDir} and returns once it is ready (see {@link LoopbackProcess}). */
    static PrometheusProcess start(Path binary, Path fileSd, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 5s
                  scrape_timeout: 4s
                scrape_configs:
                - job_name: local-mesh
                  file_sd_configs:
                  - files: ['%s']
                    refresh_interval: 5s
                """.formatted(fileSd.toAbsolutePath()));
        return new PrometheusProcess(LoopbackProcess.start("prometheus", port -> List.of(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port), workDir.resolve("prometheus.log"), LoopbackProcess.PROMETHEUS_READY));
    }

    URI url() {
        return process.url();
    }

    @Override
    public void close() {
        process.close();
    }
}
