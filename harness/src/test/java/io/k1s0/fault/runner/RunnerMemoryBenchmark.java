package io.k1s0.fault.runner;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hipparchus.stat.regression.SimpleRegression;
import picocli.CommandLine;

/**
 * On-demand benchmark (not a test): a compressed weekly run on the local mesh, 5 minutes at 200 rps, in this JVM,
 * sampling used heap after a GC hint every 10 s. The experiment is the local weekly one without abort-on-breach
 * limits, so a slow shared machine cannot end the run early. Prints a table, the maximum and the trend (least-squares slope
 * after the first minute). Target: heap under 256 MB, no upward trend.
 *
 * <pre>
 * cd harness && mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx512m -cp target/test-classes:target/classes:$(cat target/cp.txt) io.k1s0.fault.runner.RunnerMemoryBenchmark [duration] [rate] [experiment]
 * </pre>
 */
public final class RunnerMemoryBenchmark {

    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);

    private RunnerMemoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String duration = args.length > 0 ? args[0] : "5m";
        String rate = args.length > 1 ? args[1] : "200";
        String experiment = args.length > 2 ? args[2] : "src/test/resources/runner/memory-benchmark.yaml";
        PrintWriter runOutput = new PrintWriter(System.out, true);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> new CommandLine(new FaultRunner())
                .setOut(runOutput).setErr(runOutput)
                .execute("run", "--experiment", experiment, "--environment", "local",
                        "--manifests", "../manifests", "--duration", duration, "--rate", rate,
                        "--output", "target/memory-benchmark-reports", "--run-id", "memory-benchmark"));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Instant start = Instant.now();
        List<double[]> samples = new ArrayList<>();
        while (true) {
            Integer exit = null;
            try {
                // pacing: one sample per interval while the run goes on
                exit = run.get(SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                // the run is still going: take the sample
            }
            System.gc();
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            double usedMb = memory.getHeapMemoryUsage().getUsed() / 1048576.0;
            samples.add(new double[] {seconds, usedMb});
            System.out.printf(Locale.ROOT, "heap-sample t=%6.0f s  used=%7.1f MB  committed=%7.1f MB%n", seconds, usedMb,
                    memory.getHeapMemoryUsage().getCommitted() / 1048576.0);
            if (exit != null) {
                report(samples, exit, duration, rate);
                return;
            }
        }
    }

    private static void report(List<double[]> samples, int exit, String duration, String rate) {
        System.out.println();
        System.out.printf("memory benchmark: run --duration %s --rate %s, exit code %d%n", duration, rate, exit);
        System.out.println("| t (s) | heap used after GC (MB) |");
        System.out.println("| ---: | ---: |");
        double max = 0;
        SimpleRegression trend = new SimpleRegression();
        for (double[] s : samples) {
            System.out.printf(Locale.ROOT, "| %.0f | %.1f |%n", s[0], s[1]);
            max = Math.max(max, s[1]);
            if (s[0] >= 60) {
                trend.addData(s[0], s[1]);
            }
        }
        System.out.printf(Locale.ROOT, "max %.1f MB (target < 256 MB); trend after the first minute %.3f MB/min over %d samples"
                        + " (95 %% interval of the slope ± %.3f MB/min)%n",
                max, trend.getSlope() * 60, trend.getN(), trend.getN() > 2 ? trend.getSlopeConfidenceInterval() * 60 : Double.NaN);
    }
}
