package io.k1s0.fault.localmesh;

import io.k1s0.fault.runner.LoopbackProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's nginx as a reverse proxy in front of a loopback port, configured as {@code nginx-anchor.sh} configures its
 * proxy (one worker, upstream keepalive 64, HTTP/1.1 upstream). Put in front of the local mesh's own backend it is
 * the same hop as the outbound sidecar's, under the same client and load, with only the proxy changed: the anchor's
 * nginx proxies nginx's own static backend, whose queueing under hey's bursts differs from the echo workload's.
 */
final class NginxFront implements AutoCloseable {
    private final Path dir;
    private final Path config;
    private final int port;
    private final long clockTicksPerSecond;

    private NginxFront(Path dir, Path config, int port, long clockTicksPerSecond) {
        this.dir = dir;
        this.config = config;
        this.port = port;
        this.clockTicksPerSecond = clockTicksPerSecond;
    }

    static NginxFront start(int backendPort) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nginx-front");
        int port = LoopbackProcess.freePort();
        Path config = dir.resolve("proxy.conf");
        Files.writeString(config, """
                worker_processes 1; pid %1$s/proxy.pid; error_log %1$s/proxy.log warn;
                events { worker_connections 4096; }
                http { access_log off; upstream b { server 127.0.0.1:%2$d; keepalive 64; }
                  server { listen 127.0.0.1:%3$d; location / { proxy_pass http://b; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
                """.formatted(dir, backendPort, port));
        NginxFront front = new NginxFront(dir, config, port, clockTicksPerSecond());
        front.nginx("-c", config.toString());
        return front;
    }

    int port() {
        return port;
    }

    /** CPU time (user + system) its one worker process has used, from {@code /proc}; ticks of {@code getconf CLK_TCK}. */
    long workerCpuNanos() throws IOException, InterruptedException {
        long master = Long.parseLong(Files.readString(dir.resolve("proxy.pid")).trim());
        String children = Files.readString(Path.of("/proc/" + master + "/task/" + master + "/children")).trim();
        if (children.isEmpty() || children.contains(" ")) {
            throw new IllegalStateException("expected one nginx worker under master " + master + ", found [" + children + "]");
        }
        String stat = Files.readString(Path.of("/proc/" + children + "/stat"));
        // Fields after the command name, which is in parentheses: state is field 3, utime 14, stime 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000_000L / clockTicksPerSecond;
    }

    /** Read once, at start: the benchmark reads the worker's CPU twice a round. */
    private static long clockTicksPerSecond() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("getconf CLK_TCK failed: " + out);
        }
        return Long.parseLong(out);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            nginx("-c", config.toString(), "-s", "stop");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void nginx(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "nginx";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed (see " + dir.resolve("proxy.log") + "):\n" + out);
        }
    }
}
