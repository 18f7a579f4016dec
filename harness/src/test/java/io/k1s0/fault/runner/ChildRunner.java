package io.k1s0.fault.runner;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** {@code fault-runner} in a child JVM (this test's classpath), its output collected line by line. */
final class ChildRunner implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildRunner(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
            }
        }, "child-runner-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** A runner that reaches its cluster through {@code kubeconfig} (and nothing in-cluster). */
    static ChildRunner start(Path kubeconfig, Map<String, String> env, List<String> args) {
        Map<String, String> withKubeconfig = new HashMap<>(env);
        withKubeconfig.put("KUBECONFIG", kubeconfig.toString());
        return start(withKubeconfig, args);
    }

    /** {@code fault-runner args...} with this environment added to the test's (minus any in-cluster address). */
    static ChildRunner start(Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), FaultRunner.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("KUBERNETES_SERVICE_HOST");
        pb.environment().putAll(env);
        try {
            return new ChildRunner(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the child runner", e);
        }
    }

    /** Waits (bounded) until a line containing {@code text} appeared; fails with the output so far. */
    void awaitLine(String why, String text, Duration atMost) {
        await(why).atMost(atMost).pollInterval(Duration.ofMillis(100))
                .failFast("the runner exited early", () -> !process.isAlive() && !contains(text))
                .until(() -> contains(text));
    }

    boolean contains(String text) {
        return lines.stream().anyMatch(l -> l.contains(text));
    }

    String output() {
        return String.join("\n", lines);
    }

    /**
     * SIGTERM through the process handle: unlike {@link Process#destroy()}, which also closes this side of the
     * pipes, the output written while shutting down is still collected.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    Process process() {
        return process;
    }

    /** Waits for the process to end; returns its exit code. */
    int awaitExit(Duration atMost) {
        try {
            if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child runner still alive after " + atMost + "; output:\n" + output());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
