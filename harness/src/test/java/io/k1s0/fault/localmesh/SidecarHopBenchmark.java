package io.k1s0.fault.localmesh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * On-demand benchmark of issue 3 (not in the unit suite); prints one table measured in one run:
 * <ul>
 *   <li>start of API + control plane + 3 workloads: cold, in fresh JVMs launched as {@code ./fault-runner} launches
 *       them, without and with its class-data-sharing archive ({@link ColdStartBenchmark}), and warm (a later start
 *       in one JVM);</li>
 *   <li>heap used with 10 workloads (whole JVM, after a full GC);</li>
 *   <li>added latency of one sidecar hop at a fixed rate with 1 KB responses, measured with Debian's {@code hey}:
 *       "direct" is the backend's inbound listener, "proxied" goes through the caller's outbound listener first
 *       ({@code hey -x}), added = proxied − direct, the same client measuring both;</li>
 *   <li>max throughput through that hop with {@code wrk -t2 -c50} (a Lua script sets the absolute-URI path a
 *       forward proxy needs);</li>
 *   <li>the same for nginx (one worker, upstream keepalive) via {@code /work/shared/bench/nginx-anchor.sh}, run in
 *       the same sitting.</li>
 * </ul>
 * Run: {@code mvn -q -o -pl harness test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt} then
 * {@code java -XX:+UseSerialGC -cp harness/target/test-classes:harness/target/classes:$(cat harness/cp.txt) io.k1s0.fault.localmesh.SidecarHopBenchmark [rate] [seconds]}
 * from the repository root: its JVM must run with the launcher's options ({@link LauncherJvmOptions}), and the cold
 * starts' fresh JVMs get them.
 */
final class SidecarHopBenchmark {
    private static final String NS = "bench";
    private static final int WARM_UP_ROUNDS = 3;
    private static final String ANCHOR = System.getProperty("nginx.anchor", "/work/shared/bench/nginx-anchor.sh");
    private static final Pattern HEY_PERCENTILE = Pattern.compile("^\\s*(\\d+)% in ([0-9.]+) secs", Pattern.MULTILINE);
    private static final Pattern WRK_RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");

    private record Latency(double p50, double p90, double p99, String statuses) {}

    private SidecarHopBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        LauncherJvmOptions.requireInThisJvm();
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();

        ColdStartBenchmark.ColdStarts cold = ColdStartBenchmark.measure(3);
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            starts.add(ColdStartBenchmark.startThreeWorkloads());
        }
        double heapMb = heapWithTenWorkloads();

        Latency direct;
        Latency proxied;
        double wrkDirect;
        double wrkProxied;
        try (LocalMesh mesh = LocalMesh.builder()
                .workload(WorkloadSpec.of("client", NS))
                .workload(WorkloadSpec.of("backend", NS).withDefaultEcho("size=1024"))
                .start()) {
            String directUrl = "http://127.0.0.1:" + mesh.sidecarOf("backend-0", NS).inboundPort() + "/1k";
            String proxy = "127.0.0.1:" + mesh.sidecarOf("client-0", NS).outboundPort();
            String meshUrl = "http://backend." + NS + ":80/1k";
            // JIT warm-up of both paths before anything is measured: steady state is what a test run sees after its
            // first thousands of requests. Closed-loop wrk gets the hot paths compiled (C2) within seconds.
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                wrk(5, directUrl, null);
                wrk(5, "http://" + proxy + "/", meshUrl);
            }
            hey(2, rate, directUrl, null);
            hey(2, rate, meshUrl, proxy);
            direct = hey(seconds, rate, directUrl, null);
            proxied = hey(seconds, rate, meshUrl, proxy);
            wrkDirect = wrk(seconds, directUrl, null);
            wrkProxied = wrk(seconds, "http://" + proxy + "/", meshUrl);
        }
        Map<String, String[]> nginx = nginxAnchor(rate, seconds);
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();

        double nginxDirectP50 = Double.parseDouble(nginx.get("direct")[1]);
        double nginxP50 = Double.parseDouble(nginx.get("nginx")[1]);
        double nginxDirectP99 = Double.parseDouble(nginx.get("direct")[3]);
        double nginxP99 = Double.parseDouble(nginx.get("nginx")[3]);
        double nginxRps = Double.parseDouble(nginx.get("nginx")[4]);
        double addedP50 = proxied.p50() - direct.p50();
        double addedP99 = proxied.p99() - direct.p99();
        double nginxAddedP50 = nginxP50 - nginxDirectP50;

        System.out.printf(Locale.ROOT, "load average before %s, after %s; %d rps for %d s; 1 KB responses%n", loadBefore, loadAfter, rate, seconds);
        System.out.println("| measurement | local mesh | nginx 1 worker | goal | met |");
        System.out.println("| --- | --- | --- | --- | --- |");
        row("direct P50 / P99 (ms)", fmt(direct.p50()) + " / " + fmt(direct.p99()), fmt(nginxDirectP50) + " / " + fmt(nginxDirectP99), "", "");
        row("proxied P50 / P99 (ms)", fmt(proxied.p50()) + " / " + fmt(proxied.p99()), fmt(nginxP50) + " / " + fmt(nginxP99), "", "");
        row("added P50 (ms)", fmt(addedP50), fmt(nginxAddedP50), "≤ 1.5 × nginx = " + fmt(1.5 * nginxAddedP50),
                met(addedP50 <= 1.5 * nginxAddedP50));
        row("added P99 (ms)", fmt(addedP99), fmt(nginxP99 - nginxDirectP99), "≤ 2 ms", met(addedP99 <= 2.0));
        row("max throughput, wrk -t2 -c50 (rps): direct / through the hop", String.format(Locale.ROOT, "%.0f / %.0f", wrkDirect, wrkProxied),
                nginx.get("direct")[4] + " / " + nginx.get("nginx")[4], "≥ 50 % of nginx = " + String.format(Locale.ROOT, "%.0f", nginxRps / 2),
                met(wrkProxied >= nginxRps / 2) + String.format(Locale.ROOT, " (%.0f %%)", 100 * wrkProxied / nginxRps));
        row("start API + control plane + 3 workloads, cold: fresh JVM (median of 3 "
                        + ColdStartBenchmark.ColdStarts.rounded(cold.without(), ColdStartBenchmark.Once::start) + ")",
                String.format(Locale.ROOT, "%.0f ms", cold.withoutArchive()), "", "< 1500 ms", met(cold.withoutArchive() < 1500));
        row("same, fresh JVM with the launcher's class-data archive (median of 3 "
                        + ColdStartBenchmark.ColdStarts.rounded(cold.with(), ColdStartBenchmark.Once::start) + ")",
                String.format(Locale.ROOT, "%.0f ms", cold.withArchive()), "", "< 1500 ms", met(cold.withArchive() < 1500));
        row("same with the archive, until a first VirtualService applied through the client is in force (median of 3 "
                        + ColdStartBenchmark.ColdStarts.rounded(cold.with(), ColdStartBenchmark.Once::untilFirstConfig) + ")",
                String.format(Locale.ROOT, "%.0f ms", cold.withArchiveUntilFirstConfig()), "", "", "");
        // The first in-process start pays class loading; the next five are what a later test class sees.
        double warm = ColdStartBenchmark.median(starts.subList(1, starts.size()));
        row("same, warm (a later start in one JVM, median of 5)", String.format(Locale.ROOT, "%.0f ms", warm), "", "< 1500 ms",
                met(warm < 1500));
        row("heap used with 10 workloads after GC (whole JVM)", String.format(Locale.ROOT, "%.1f MB", heapMb), "", "< 200 MB", met(heapMb < 200));
        row("status codes (hey, direct / proxied)", direct.statuses() + " / " + proxied.statuses(), "", "", "");
    }

    private static double heapWithTenWorkloads() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        LocalMesh.Builder ten = LocalMesh.builder();
        for (int i = 0; i < 10; i++) {
            ten.workload(WorkloadSpec.of("w" + i, NS));
        }
        try (LocalMesh mesh = ten.start()) {
            System.gc();
            return memory.getHeapMemoryUsage().getUsed() / 1048576.0;
        }
    }

    /** hey at a fixed total rate over 10 connections (rate/10 per worker), optionally through an HTTP proxy. */
    private static Latency hey(int seconds, int rate, String url, String proxy) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("hey", "-z", seconds + "s", "-q", String.valueOf(rate / 10), "-c", "10"));
        if (proxy != null) {
            cmd.addAll(List.of("-x", "http://" + proxy));
        }
        cmd.add(url);
        String out = run(cmd, seconds);
        Map<Integer, Double> pct = new LinkedHashMap<>();
        Matcher m = HEY_PERCENTILE.matcher(out);
        while (m.find()) {
            pct.put(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)) * 1000);
        }
        if (!pct.containsKey(50) || !pct.containsKey(99)) {
            throw new IllegalStateException("hey printed no latency distribution for " + url + ":\n" + out);
        }
        String statuses = out.lines().dropWhile(l -> !l.startsWith("Status code distribution")).skip(1)
                .takeWhile(l -> !l.isBlank()).map(String::trim).reduce((a, b) -> a + ", " + b).orElse("none");
        return new Latency(pct.get(50), pct.get(90), pct.get(99), statuses);
    }

    /** wrk -t2 -c50; with {@code absoluteUri} a Lua script makes every request an absolute-form proxy request. */
    private static double wrk(int seconds, String url, String absoluteUri) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t2", "-c50", "-d" + seconds + "s"));
        Path script = null;
        if (absoluteUri != null) {
            script = Files.createTempFile("wrk-proxy", ".lua");
            Files.writeString(script, "wrk.path = \"" + absoluteUri + "\"\n");
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(url);
        try {
            String out = run(cmd, seconds);
            if (out.contains("Non-2xx")) {
                throw new IllegalStateException("wrk saw error responses for " + url + ":\n" + out);
            }
            Matcher m = WRK_RPS.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException("wrk printed no Requests/sec for " + url + ":\n" + out);
            }
            return Double.parseDouble(m.group(1));
        } finally {
            if (script != null) {
                Files.deleteIfExists(script);
            }
        }
    }

    /** Runs the shared nginx anchor on free ports; rows by target name: [target, p50, p90, p99, wrk_max_rps]. */
    private static Map<String, String[]> nginxAnchor(int rate, int seconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", ANCHOR, String.valueOf(rate), String.valueOf(seconds)).redirectErrorStream(true);
        pb.environment().put("BACKEND_PORT", String.valueOf(freePort()));
        pb.environment().put("PROXY_PORT", String.valueOf(freePort()));
        String out = run(pb, 4L * seconds);
        Map<String, String[]> rows = new LinkedHashMap<>();
        out.lines().map(String::trim).map(l -> l.split("\\s+")).filter(c -> c.length == 5 && (c[0].equals("direct") || c[0].equals("nginx")))
                .forEach(c -> rows.put(c[0], c));
        if (rows.size() != 2) {
            throw new IllegalStateException("nginx-anchor.sh printed no table:\n" + out);
        }
        return rows;
    }

    private static String run(List<String> cmd, long seconds) throws IOException, InterruptedException {
        return run(new ProcessBuilder(cmd).redirectErrorStream(true), seconds);
    }

    private static String run(ProcessBuilder pb, long seconds) throws IOException, InterruptedException {
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds + 60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(pb.command() + " failed:\n" + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void row(String... cells) {
        System.out.println("| " + String.join(" | ", Arrays.asList(cells)) + " |");
    }

    private static String fmt(double ms) {
        return String.format(Locale.ROOT, "%.2f", ms);
    }

    private static String met(boolean ok) {
        return ok ? "yes" : "NO";
    }
}
