package io.k1s0.fault.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real {@code prometheus} process on a free loopback port that scrapes the local mesh through file_sd. */
final class PrometheusProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final URI url;

    private PrometheusProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
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

    static PrometheusProcess start(Path binary, Path fileSd, Path workDir) throws IOException, InterruptedException {
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
        int port = LocalMeshCommand.freePort();
        Process process = new ProcessBuilder(binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + workDir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("prometheus.log").toFile())
                .start();
        URI url = URI.create("http://127.0.0.1:" + port + "/");
        PrometheusProcess prom = new PrometheusProcess(process, url);
        prom.awaitReady(workDir.resolve("prometheus.log"));
        return prom;
    }

    private void awaitReady(Path log) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url.resolve("/-/ready")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                LOG.debug("prometheus not ready yet: {}", notYetListening.getMessage());
            }
            // pacing between readiness probes of a child process (no state to subscribe to)
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        close();
        throw new IllegalStateException("prometheus was not ready within " + READY_TIMEOUT + "; see " + log);
    }

    URI url() {
        return url;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

}
