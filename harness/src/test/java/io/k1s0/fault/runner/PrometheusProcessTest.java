package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real prometheus on a probed port: the port can be taken by another process before prometheus binds it. */
class PrometheusProcessTest {
    private Path binary;

    @BeforeEach
    void needsPrometheus() {
        binary = PrometheusProcess.locate(System.getenv()).orElse(null);
        Assumptions.assumeTrue(binary != null, "no prometheus binary on PATH or in PROMETHEUS_BIN (apt-get install prometheus)");
    }

    @Test
    void aPortTakenBetweenProbeAndBindIsGivenUpForTheNextOneEvenWhenItsTakerAnswersReady(@TempDir Path dir) throws Exception {
        // The taker answers GET /-/ready with 200, as another prometheus would: that must not pass for ours being ready.
        HttpServer squatter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        squatter.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        squatter.start();
        try {
            AtomicInteger probes = new AtomicInteger();
            int taken = squatter.getAddress().getPort();
            try (PrometheusProcess prom = PrometheusProcess.start(binary, emptyFileSd(dir), dir.resolve("work"),
                    () -> probes.getAndIncrement() == 0 ? taken : LocalMeshCommand.freePort())) {
                assertThat(prom.url().getPort()).as("port after the taken one").isNotEqualTo(taken);
                assertThat(probes.get()).as("ports probed").isEqualTo(2);
                HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(prom.url().resolve("/-/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).as("GET %s/-/ready", prom.url()).isEqualTo(200);
            }
        } finally {
            squatter.stop(0);
        }
    }

    @Test
    void anExitForAnyOtherReasonIsAnErrorWithItsCodeAndLog(@TempDir Path dir) throws Exception {
        Path failing = Files.writeString(dir.resolve("prometheus"), "#!/bin/sh\necho 'err=\"bad flag\"'\nexit 3\n");
        Files.setPosixFilePermissions(failing, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> PrometheusProcess.start(failing, emptyFileSd(dir), dir.resolve("work")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("prometheus exited with 3")
                .hasMessageContaining(dir.resolve("work/prometheus.log").toString());
    }

    @Test
    void aPortTakenOnEveryAttemptIsAnErrorNamingThePortsAndTheLog(@TempDir Path dir) throws Exception {
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = squatter.getLocalPort();
            assertThatThrownBy(() -> PrometheusProcess.start(binary, emptyFileSd(dir), dir.resolve("work"), () -> taken))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("address already in use")
                    .hasMessageContaining("[" + taken + ", " + taken + ", " + taken + "]")
                    .hasMessageContaining(dir.resolve("work/prometheus.log").toString());
        }
    }

    private static Path emptyFileSd(Path dir) throws Exception {
        return Files.writeString(dir.resolve("sd.json"), "[]");
    }
}
