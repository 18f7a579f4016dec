package io.k1s0.fault.traffic;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * On-demand benchmark of the traffic engine against a local Vert.x backend answering 1 KB on one event loop:
 * (1) open model at 2,000 rps for 30 s (achieved rate, share of sends later than 10 ms, latency) and
 * (2) closed-loop maximum throughput of our engine against Debian's {@code wrk -t2 -c50 -d10s} on the same
 * backend in the same run. Prints one table. Run with
 * {@code mvn -q -pl harness test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.k1s0.fault.traffic.TrafficDriverBenchmark}.
 * Optional args: open-model rate, open-model seconds, closed-loop seconds. Public only because exec:java
 * needs an accessible main class.
 */
public final class TrafficDriverBenchmark {

    private static final int CONNECTIONS = 50;

    private TrafficDriverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double rate = args.length > 0 ? Double.parseDouble(args[0]) : 2_000;
        int openSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int closedSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        Buffer kilobyte = Buffer.buffer(new byte[1024]);
        List<String[]> rows = new ArrayList<>();
        try (LoopbackServers.Backend backend = new LoopbackServers.Backend(
                req -> req.response().putHeader("Content-Type", "application/octet-stream").end(kilobyte), false)) {
            Traffic traffic = Traffic.from(Vantage.direct());
            String loadBefore = loadAverage();

            // The warm-up is a phase of the same run: same engine, same connections, JIT warm; not reported.
            TrafficResult result = traffic.send(Specs.loopback(backend.port(), "/"))
                    .phase("warmup").atRate(rate).forDuration(Duration.ofSeconds(5))
                    .phase("measure").forDuration(Duration.ofSeconds(openSeconds)).run();
            PhaseResult open = result.phase("measure");
            rows.add(row(String.format(Locale.ROOT, "open model %.0f rps × %d s", rate, openSeconds),
                    String.format(Locale.ROOT, "%.1f", open.achievedRate()),
                    String.format(Locale.ROOT, "%.3f %%", 100 * open.fractionSentLaterThan(Duration.ofMillis(10))),
                    ms(open.latency(), 50), ms(open.latency(), 99),
                    String.format(Locale.ROOT, "sent %d, dropped %d, non-200 %d, errors %d; lateness p99 %s max %s; service p99 %s",
                            open.sent(), open.dropped(), open.responses() - open.responses(200), open.transportErrors(),
                            ms(open.sendLateness(), 99), ms(open.sendLateness(), 100), ms(open.serviceTime(), 99))));
            System.out.println("open model per second (second, count, errors, p99): " + result.timeSeries().stream()
                    .filter(x -> x.phase().equals("measure"))
                    .map(x -> x.second() + ":" + x.count() + "/" + x.errors() + "/" + x.p99().toMillis() + "ms").toList());

            // Closed loop, bracketed by two wrk runs: the machine is shared, so the bracket shows the drift.
            String wrkBefore = wrk(backend.port(), closedSeconds);
            double ours1 = closedLoop(backend.port(), 1, 3, closedSeconds);
            double ours2 = closedLoop(backend.port(), 2, 3, closedSeconds);
            String wrkAfter = wrk(backend.port(), closedSeconds);
            rows.add(row("closed loop, wrk -t2 -c" + CONNECTIONS + " -d" + closedSeconds + "s (before)", wrkBefore, "-", "-", "-", ""));
            rows.add(row(String.format(Locale.ROOT, "closed loop, our engine (1 event loop, %d conns, %d s)", CONNECTIONS, closedSeconds),
                    String.format(Locale.ROOT, "%.1f", ours1), "-", "-", "-", ""));
            rows.add(row(String.format(Locale.ROOT, "closed loop, our engine (2 event loops, %d conns, %d s)", CONNECTIONS, closedSeconds),
                    String.format(Locale.ROOT, "%.1f", ours2), "-", "-", "-", ""));
            rows.add(row("closed loop, wrk -t2 -c" + CONNECTIONS + " -d" + closedSeconds + "s (after)", wrkAfter, "-", "-", "-", ""));
            double wrkMean = (parseOrNaN(wrkBefore) + parseOrNaN(wrkAfter)) / 2;
            rows.add(row("our best closed loop / mean wrk", Double.isNaN(wrkMean) ? "n/a"
                    : String.format(Locale.ROOT, "%.0f %%", 100 * Math.max(ours1, ours2) / wrkMean), "-", "-", "-", "goal ≥ 50 %"));
            rows.add(row("load average before / after", loadBefore, "-", "-", "-", loadAverage() + " (2 cores, shared)"));
        }
        print(rows);
    }

    /** Closed loop: each of CONNECTIONS workers sends its next request when the previous one ends. */
    static double closedLoop(int port, int eventLoops, int warmSeconds, int seconds) throws InterruptedException {
        EngineOptions options = new EngineOptions(Duration.ofSeconds(2), Duration.ofSeconds(10), CONNECTIONS, eventLoops);
        RequestTemplate template = RequestTemplate.of(io.restassured.http.Method.GET, Specs.loopback(port, "/"));
        RequestOptions request = HttpEngine.optionsFor(template, options);
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch stopped = new CountDownLatch(CONNECTIONS);
        try (HttpEngine engine = new HttpEngine(Vantage.direct(), options)) {
            for (int w = 0; w < CONNECTIONS; w++) {
                io.vertx.core.Context loop = engine.contexts().get(w % eventLoops);
                loop.runOnContext(v -> new Worker(engine, request, done, failed, running, stopped).next());
            }
            // Pacing of the fixed-length warm-up and measurement windows (a benchmark), not a wait for state.
            TimeUnit.SECONDS.sleep(warmSeconds);
            long startCount = done.sum();
            long start = System.nanoTime();
            TimeUnit.SECONDS.sleep(seconds);
            long counted = done.sum() - startCount;
            long elapsed = System.nanoTime() - start;
            running.set(false);
            stopped.await(15, TimeUnit.SECONDS);
            if (failed.sum() > 0) {
                System.out.println("closed loop: " + failed.sum() + " transport errors");
            }
            return counted / (elapsed / 1e9);
        }
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0], "(1 min)");
        } catch (IOException e) {
            return "n/a";
        }
    }

    private record Worker(HttpEngine engine, RequestOptions request, LongAdder done, LongAdder failed, AtomicBoolean running,
            CountDownLatch stopped) implements HttpEngine.Outcome {
        void next() {
            if (running.get()) {
                engine.send(request, new byte[0], this);
            } else {
                stopped.countDown();
            }
        }

        @Override
        public void onResponse(int status, long writtenNanos, long endNanos) {
            done.increment();
            next();
        }

        @Override
        public void onError(TransportError kind, Throwable failure, long endNanos) {
            failed.increment();
            next();
        }
    }

    private static String wrk(int port, int seconds) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/wrk"))) {
            return "n/a (wrk not installed: apt-get install -y wrk)";
        }
        Process p = new ProcessBuilder("/usr/bin/wrk", "-t2", "-c" + CONNECTIONS, "-d" + seconds + "s", "http://127.0.0.1:" + port + "/")
                .redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.append(line).append('\n');
            }
        }
        p.waitFor(seconds + 30L, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        return m.find() ? m.group(1) : "n/a (wrk output: " + out.toString().strip() + ")";
    }

    private static double parseOrNaN(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String ms(org.HdrHistogram.Histogram h, double percentile) {
        return String.format(Locale.ROOT, "%.2f ms", h.getValueAtPercentile(percentile) / 1e3);
    }

    private static String[] row(String... cells) {
        return cells;
    }

    private static void print(List<String[]> rows) {
        String[] header = {"run", "achieved rps", "sends > 10 ms late", "p50 (CO-corrected)", "p99 (CO-corrected)", "notes"};
        StringBuilder sb = new StringBuilder("\n| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.length; i++) {
            sb.append(" --- |");
        }
        sb.append('\n');
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        System.out.println(sb);
    }
}
