package io.k1s0.fault.runner;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process serving HTTP on a free 127.0.0.1 port named on its command line, such as {@code prometheus} or
 * {@code prometheus-pushgateway}, started and awaited until ready. The port is probed free, then the process binds
 * it, and another process may take it in between: then it is started again on another port, up to
 * {@value #PORT_ATTEMPTS}. Public because the cronjob module's tests start their Prometheus and Pushgateway with it.
 */
public final class LoopbackProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackProcess.class);
    static final int PORT_ATTEMPTS = 3;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final String PORT_TAKEN = "address already in use";

    /** What Prometheus logs once its web server is up. */
    public static final String PROMETHEUS_READY = "Server is ready to receive web requests";
    /** What the Pushgateway (exporter-toolkit) logs once it has bound its port. */
    public static final String PUSHGATEWAY_READY = "Listening on";

    private final String name;
    private final Process process;
    private final URI url;

    private LoopbackProcess(String name, Process process, URI url) {
        this.name = name;
        this.process = process;
        this.url = url;
    }

    /**
     * Starts {@code commandOnPort.apply(port)} on a free loopback port with stdout and stderr in {@code log}, and returns
     * once {@code GET /-/ready} answers 200 <em>and</em> the log holds {@code readyLine}: a 200 alone may come from
     * whatever took the port. An exit for another reason than a taken port, or no readiness within 30 s, is an error
     * naming {@code name} and the log (which holds the last attempt's output: each attempt starts it anew).
     */
    public static LoopbackProcess start(String name, IntFunction<List<String>> commandOnPort, Path log, String readyLine) {
        return start(name, commandOnPort, log, readyLine, LoopbackProcess::freePort, READY_TIMEOUT);
    }

    /** As {@link #start(String, IntFunction, Path, String)}, on the ports {@code freePorts} gives. */
    static LoopbackProcess start(String name, IntFunction<List<String>> commandOnPort, Path log, String readyLine,
            IntSupplier freePorts, Duration readyTimeout) {
        if (readyLine == null || readyLine.isBlank()) {
            throw new IllegalArgumentException("readyLine of " + name + " must be the text its log shows once it serves, e.g. "
                    + PROMETHEUS_READY + "; was " + (readyLine == null ? "null" : "blank"));
        }
        List<Integer> taken = new ArrayList<>();
        while (true) {
            int port = freePorts.getAsInt();
            LoopbackProcess started = launch(name, commandOnPort.apply(port), log, URI.create("http://127.0.0.1:" + port + "/"));
            if (started.awaitReady(log, readyLine, readyTimeout)) {
                return started;
            }
            taken.add(port);
            if (taken.size() == PORT_ATTEMPTS) {
                throw new IllegalStateException(name + " could not listen: " + PORT_TAKEN + " on each of 127.0.0.1 ports " + taken
                        + " (each was free when probed); see " + log);
            }
            LOG.info("port {} was taken between probing it and {} binding it; trying another", port, name);
        }
    }

    private static LoopbackProcess launch(String name, List<String> command, Path log, URI url) {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("commandOnPort of " + name + " gave no command for " + url);
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new LoopbackProcess(name, process, url);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " (" + command.get(0) + ")", e);
        }
    }

    /** True once ready; false when the process exited because its port was taken meanwhile. */
    private boolean awaitReady(Path log, String readyLine, Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest readiness = HttpRequest.newBuilder(url.resolve("/-/ready")).timeout(Duration.ofSeconds(1)).build();
        try {
            await(name + " ready on " + url + " (log: " + log + ")").atMost(timeout).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().failFast(name + " exited", () -> !process.isAlive())
                    .until(() -> http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200
                            && logSays(log, readyLine) && process.isAlive());
            return true;
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException notReady) {
            if (process.isAlive()) {
                close();
                throw new IllegalStateException(name + " was not ready on " + url + " within " + timeout + "; see " + log, notReady);
            }
            if (logSays(log, PORT_TAKEN)) {
                return false;
            }
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log, notReady);
        }
    }

    private static boolean logSays(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException unreadable) {
            return false;
        }
    }

    /** A loopback port that was free when probed. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** {@code http://127.0.0.1:PORT/}. */
    public URI url() {
        return url;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
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
