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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A real {@code prometheus} process on a free loopback port that scrapes the local mesh through file_sd. */
final class PrometheusProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrometheusProcess.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** Ports tried: a free port is probed, then prometheus binds it, and another process may bind it in between. */
    private static final int PORT_ATTEMPTS = 3;
    private static final String PORT_TAKEN = "address already in use";
    /** Logged by this process once its web server is up: a 200 from the port alone may come from whoever took it. */
    private static final String READY_LINE = "Server is ready to receive web requests";

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
        return start(binary, fileSd, workDir, LocalMeshCommand::freePort);
    }

    /** As {@link #start(Path, Path, Path)}, on the ports {@code freePorts} gives, the next one when one was taken. */
    static PrometheusProcess start(Path binary, Path fileSd, Path workDir, IntSupplier freePorts)
            throws IOException, InterruptedException {
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
        Path log = workDir.resolve("prometheus.log");
        List<Integer> taken = new ArrayList<>();
        while (true) {
            int port = freePorts.getAsInt();
            Process process = new ProcessBuilder(binary.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + workDir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusProcess prom = new PrometheusProcess(process, URI.create("http://127.0.0.1:" + port + "/"));
            if (prom.awaitReady(log)) {
                return prom;
            }
            taken.add(port);
            if (taken.size() == PORT_ATTEMPTS) {
                throw new IllegalStateException("prometheus could not listen: " + PORT_TAKEN + " on each of 127.0.0.1 ports " + taken
                        + " (each was free when probed); see " + log);
            }
            LOG.info("port {} was taken between probing it and prometheus binding it; trying another", port);
        }
    }

    /**
     * True once {@code /-/ready} answers 200; false when prometheus exited because its port was taken meanwhile.
     * Any other exit, or no readiness within {@link #READY_TIMEOUT}, is an error naming the log.
     */
    private boolean awaitReady(Path log) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                if (logSays(log, PORT_TAKEN)) {
                    return false;
                }
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url.resolve("/-/ready")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 && logSays(log, READY_LINE) && process.isAlive()) {
                    return true;
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

    private static boolean logSays(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException unreadable) {
            return false;
        }
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
