package io.k1s0.fault.report;

import io.k1s0.fault.report.RunReport.Expectation;
import io.k1s0.fault.report.RunReport.Phase;
import io.k1s0.fault.report.RunReport.Second;
import io.k1s0.fault.report.RunReport.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A realistic weekly run (compressed: 60 s baseline, 180 s injection, 60 s recovery) built from a fixed seed. */
final class SampleRuns {

    static final Instant START = Instant.parse("2026-11-23T01:00:00Z");

    private SampleRuns() {
    }

    static RunReport weekly(String runId) {
        return weeklyBuilder(runId).build();
    }

    static RunReport.Builder weeklyBuilder(String runId) {
        SplittableRandom random = new SplittableRandom(7);
        Instant injStart = START.plusSeconds(60);
        Instant injEnd = START.plusSeconds(240);
        RunReport.Builder b = RunReport.builder(runId, "weekly-staging", "staging")
                .window(START, START.plusSeconds(300))
                .faultWindow(injStart, injEnd)
                .fault(RunReport.Fault.delay(10, 500, List.of("order-server.k1s0-service.svc.cluster.local")))
                .fault(RunReport.Fault.abort(5, 503, List.of("order-server.k1s0-service.svc.cluster.local")))
                .phase(phase("baseline", 0, 60, random, 0.002, 0, 80))
                .phase(phase("injection", 60, 240, random, 0.004, 0.05, 560))
                .phase(phase("recovery", 240, 300, random, 0.002, 0, 85))
                .expectation(new Expectation("observed abort fraction matches 5 %", Verdict.PASS, "ratio", 0.05, 0.0497,
                        0.0459, 0.0538, 36_000, 7_300, "within the 99 % Wilson interval"))
                .expectation(new Expectation("observed delay fraction matches 10 %", Verdict.PASS, "ratio", 0.10, 0.1012,
                        0.0963, 0.1063, 36_000, 3_500, "within the 99 % Wilson interval"))
                .expectation(new Expectation("organic error rate stays under 1 %", Verdict.PASS, "ratio", 0.01, 0.0041,
                        0.0034, 0.0049, 36_000, 2_000, null))
                .expectation(new Expectation("client P99 during injection stays under 1000 ms", Verdict.FAIL, "ms", 1000.0,
                        1180.0, null, null, 36_000, 1_000, "P99 1180 ms exceeds 1000 ms (from the client histogram)"))
                .expectation(new Expectation("order-server hosts are ejected after 5 consecutive 5xx", Verdict.INCONCLUSIVE,
                        "count", 1.0, 0.0, null, null, 3, 20, "only 3 of 20 needed consecutive-5xx bursts were seen"))
                .mesh(new RunReport.MeshNumbers("baseline", 4, 4, 0, 0, 0))
                .mesh(new RunReport.MeshNumbers("injection", 1_730, 1_644, 2, 1, 0))
                .mesh(new RunReport.MeshNumbers("recovery", 6, 6, 0, 0, 0))
                .cleanup(new RunReport.Cleanup(true, List.of(), "re-read 1 VirtualService: fault routes gone"))
                .links("https://grafana.example.test/d/fault-injection-results?from=1795395600000&to=1795395900000",
                        "https://reports.example.test/runs/" + runId + ".html");
        return b;
    }

    private static Phase phase(String name, int from, int to, SplittableRandom random, double organic, double injected,
            double p99) {
        List<Second> series = new ArrayList<>();
        long requests = 0;
        for (int t = from; t < to; t++) {
            double rps = 200 + random.nextGaussian() * 4;
            double err = Math.max(0, organic + injected + random.nextGaussian() * (injected > 0 ? 0.012 : 0.002));
            double latency = Math.max(20, p99 + random.nextGaussian() * p99 * 0.08);
            series.add(new Second(t, rps, err, latency));
            requests += Math.round(rps);
        }
        long injectedErrors = Math.round(requests * injected);
        long organicErrors = Math.round(requests * organic);
        return new Phase(name, START.plusSeconds(from), START.plusSeconds(to), requests,
                Map.of("503", injectedErrors + organicErrors / 2, "timeout", organicErrors - organicErrors / 2),
                injectedErrors, organicErrors, p99 / 4, p99, series);
    }
}
