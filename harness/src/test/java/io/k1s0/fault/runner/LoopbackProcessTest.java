package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes on a probed loopback port, which another process can take before they bind it. */
class LoopbackProcessTest {

    @Test
    void aPortTakenBetweenProbeAndBindIsGivenUpForTheNextOneEvenWhenItsTakerAnswersReady(@TempDir Path dir) throws Exception {
        Path binary = prometheusOrSkip();
        // The taker answers GET /-/ready with 200, as another prometheus would: that must not pass for ours being ready.
        HttpServer squatter = readyAnsweringServer();
        try {
            AtomicInteger probes = new AtomicInteger();
            int taken = squatter.getAddress().getPort();
            try (LoopbackProcess prom = LoopbackProcess.start("prometheus", prometheus(binary, dir), dir.resolve("prometheus.log"),
                    LoopbackProcess.PROMETHEUS_READY, () -> probes.getAndIncrement() == 0 ? taken : LoopbackProcess.freePort(),
                    LoopbackProcess.READY_TIMEOUT)) {
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
    void aPortTakenOnEveryAttemptIsAnErrorNamingThePortsAndTheLog(@TempDir Path dir) throws Exception {
        Path binary = prometheusOrSkip();
        try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int taken = squatter.getLocalPort();
            assertThatThrownBy(() -> LoopbackProcess.start("prometheus", prometheus(binary, dir), dir.resolve("prometheus.log"),
                    LoopbackProcess.PROMETHEUS_READY, () -> taken, LoopbackProcess.READY_TIMEOUT))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("prometheus could not listen: address already in use")
                    .hasMessageContaining("[" + taken + ", " + taken + ", " + taken + "]")
                    .hasMessageContaining(dir.resolve("prometheus.log").toString());
        }
    }

    @Test
    void aPortTakenIsRetriedOnTheNextWithoutAnyRealBinary(@TempDir Path dir) throws Exception {
        // The fake binary says what prometheus says on a taken port when given the first one; on the second it logs its
        // ready line and stays up, and an in-test server answers /-/ready on that port as its web server would.
        HttpServer itsWebServer = readyAnsweringServer();
        int taken = LoopbackProcess.freePort();
        int free = itsWebServer.getAddress().getPort();
        Path fake = script(dir, "fake", "if [ \"$1\" = \"" + taken + "\" ]; then\n"
                + "  echo 'err=\"listen tcp 127.0.0.1:" + taken + ": bind: address already in use\"'; exit 1\nfi\n"
                + "echo '" + LoopbackProcess.PROMETHEUS_READY + "'\nexec sleep 60");
        AtomicInteger probes = new AtomicInteger();
        try (LoopbackProcess started = LoopbackProcess.start("prometheus", port -> List.of(fake.toString(), String.valueOf(port)),
                dir.resolve("p.log"), LoopbackProcess.PROMETHEUS_READY, () -> probes.getAndIncrement() == 0 ? taken : free,
                LoopbackProcess.READY_TIMEOUT)) {
            assertThat(started.url().getPort()).as("the port after the taken one").isEqualTo(free);
            assertThat(started.isAlive()).as("the process on the second port").isTrue();
        } finally {
            itsWebServer.stop(0);
        }
    }

    @Test
    void everyPortTakenEndsInAnErrorListingThemWithoutAnyRealBinary(@TempDir Path dir) throws Exception {
        Path alwaysTaken = script(dir, "taken", "echo 'err=\"listen tcp 127.0.0.1:'$1': bind: address already in use\"'\nexit 1");
        int[] ports = {LoopbackProcess.freePort(), LoopbackProcess.freePort(), LoopbackProcess.freePort()};
        AtomicInteger next = new AtomicInteger();
        assertThatThrownBy(() -> LoopbackProcess.start("pushgateway", port -> List.of(alwaysTaken.toString(), String.valueOf(port)),
                dir.resolve("g.log"), LoopbackProcess.PUSHGATEWAY_READY, () -> ports[next.getAndIncrement()], LoopbackProcess.READY_TIMEOUT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pushgateway could not listen: address already in use on each of 127.0.0.1 ports ["
                        + ports[0] + ", " + ports[1] + ", " + ports[2] + "]")
                .hasMessageContaining(dir.resolve("g.log").toString());
    }

    @Test
    void aMissingReadyLineOrCommandIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
        assertThatThrownBy(() -> LoopbackProcess.start("prometheus", port -> List.of("true"), dir.resolve("p.log"), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readyLine of prometheus must be the text its log shows once it serves")
                .hasMessageContaining("was blank");
        assertThatThrownBy(() -> LoopbackProcess.start("prometheus", port -> List.of(), dir.resolve("p.log"), LoopbackProcess.PROMETHEUS_READY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commandOnPort of prometheus gave no command");
        assertThat(dir.resolve("p.log")).as("no process was started, so no log").doesNotExist();
    }

    @Test
    void theReadyLineOfThePushgatewayIsWhatItLogs(@TempDir Path dir) throws Exception {
        Path binary = onPathOrSkip("prometheus-pushgateway");
        try (LoopbackProcess gateway = LoopbackProcess.start("pushgateway", port -> List.of(binary.toString(),
                "--web.listen-address=127.0.0.1:" + port), dir.resolve("pushgateway.log"), LoopbackProcess.PUSHGATEWAY_READY)) {
            assertThat(gateway.isAlive()).as("pushgateway running after start").isTrue();
            assertThat(Files.readString(dir.resolve("pushgateway.log"))).as("its log")
                    .contains(LoopbackProcess.PUSHGATEWAY_READY).contains("127.0.0.1:" + gateway.url().getPort());
        }
    }

    @Test
    void anExitForAnyOtherReasonIsAnErrorWithItsNameCodeAndLog(@TempDir Path dir) throws Exception {
        Path failing = script(dir, "failing", "echo 'err=\"bad flag\"'\nexit 3");

        assertThatThrownBy(() -> LoopbackProcess.start("prometheus", port -> List.of(failing.toString()), dir.resolve("p.log"),
                LoopbackProcess.PROMETHEUS_READY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("prometheus exited with 3")
                .hasMessageContaining(dir.resolve("p.log").toString());
    }

    @Test
    void aProcessAliveButNeverLoggingReadyIsStoppedWithAnErrorEvenIfItsPortAnswers200(@TempDir Path dir) throws Exception {
        // Whatever answers on the port says 200, but the process never logs its ready line: it is not ready.
        HttpServer squatter = readyAnsweringServer();
        Path pidFile = dir.resolve("pid");
        Path silent = script(dir, "silent", "echo $$ > " + pidFile + "\nexec sleep 60");
        try {
            assertThatThrownBy(() -> LoopbackProcess.start("pushgateway", port -> List.of(silent.toString()), dir.resolve("g.log"),
                    LoopbackProcess.PUSHGATEWAY_READY, () -> squatter.getAddress().getPort(), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pushgateway was not ready on http://127.0.0.1:" + squatter.getAddress().getPort())
                    .hasMessageContaining("within PT1S")
                    .hasMessageContaining(dir.resolve("g.log").toString());
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            await("the process that was not ready is stopped").atMost(Duration.ofSeconds(15))
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        } finally {
            squatter.stop(0);
        }
    }

    @Test
    void aCommandThatCannotBeStartedNamesTheProcessAndTheBinary(@TempDir Path dir) {
        String missing = dir.resolve("no-such-binary").toString();
        assertThatThrownBy(() -> LoopbackProcess.start("prometheus", port -> List.of(missing), dir.resolve("p.log"),
                LoopbackProcess.PROMETHEUS_READY))
                .hasMessageContaining("could not start prometheus (" + missing + ")");
    }

    private static IntFunction<List<String>> prometheus(Path binary, Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("prometheus.yml"), "global:\n  scrape_interval: 5s\n");
        return port -> List.of(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port);
    }

    private static HttpServer readyAnsweringServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static Path script(Path dir, String name, String body) throws Exception {
        Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static Path prometheusOrSkip() {
        Path binary = PrometheusProcess.locate(System.getenv()).orElse(null);
        Assumptions.assumeTrue(binary != null, "no prometheus binary on PATH or in PROMETHEUS_BIN (apt-get install prometheus)");
        return binary;
    }

    private static Path onPathOrSkip(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Assumptions.abort("no " + tool + " binary on PATH (apt-get install " + tool + ")");
        return null;
    }
}
