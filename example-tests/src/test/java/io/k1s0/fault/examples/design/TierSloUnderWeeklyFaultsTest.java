package io.k1s0.fault.examples.design;

import static io.k1s0.fault.api.MeshAssertions.millis;
import static io.k1s0.fault.api.MeshAssertions.percent;
import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.DelayFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.traffic.TrafficRun;
import io.k1s0.fault.verdict.FaultWindow;
import io.k1s0.fault.verdict.Judge;
import io.k1s0.fault.verdict.Plan;
import io.k1s0.fault.verdict.Ratio;
import io.k1s0.fault.verdict.SampleSizePlanner;
import io.k1s0.fault.verdict.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * k1s0's SLO design (D-108) under the weekly fault plan applied as the design's table says, "対象: 全サービス間通信":
 * 500 ms on 10 % and 503 on 5 % on every hop of the chain. Each hop is measured from its caller's sidecar
 * (reporter=source), all three at once. Verdicts are pass / fail / inconclusive with the sample size each needed,
 * written to target/design-reports/tier-slo-under-weekly-faults.md; an inconclusive verdict is reported, never
 * counted as a pass.
 */
@K1s0DesignTest
@ResourceLock(Chain.LOCK_CPU)
@ResourceLock(Chain.LOCK_ORDER_SERVER)
@ResourceLock(Chain.LOCK_ACCOUNTING)
@ResourceLock(Chain.LOCK_AUTH)
@DisplayName("SLO 設計 under the weekly faults — P99 system < 200 ms, business < 500 ms, service < 1 s; error rate system < 0.05 %, business and service < 0.1 %")
class TierSloUnderWeeklyFaultsTest {

    private record Hop(String tier, String caller, String callerNs, String server, String serverNs, Duration p99Slo, Ratio errorSlo) {}

    private static final List<Hop> HOPS = List.of(
            new Hop("service", Chain.ORDER_BFF, Chain.SERVICE_NS, Chain.ORDER_SERVER, Chain.SERVICE_NS, millis(1000), percent(0.1)),
            new Hop("business", Chain.ORDER_SERVER, Chain.SERVICE_NS, Chain.ACCOUNTING, Chain.BUSINESS_NS, millis(500), percent(0.1)),
            new Hop("system", Chain.ACCOUNTING, Chain.BUSINESS_NS, Chain.AUTH, Chain.SYSTEM_NS, millis(200), percent(0.05)));

    @BeforeAll
    static void warmUp(Mesh mesh) {
        WarmUp.once(mesh);
    }

    @Test
    @DelayFault(host = Chain.ORDER_SERVER, namespace = Chain.SERVICE_NS, percent = 10, fixedDelay = "500ms")
    @AbortFault(host = Chain.ORDER_SERVER, namespace = Chain.SERVICE_NS, percent = 5, httpStatus = 503)
    @DelayFault(host = Chain.ACCOUNTING, namespace = Chain.BUSINESS_NS, percent = 10, fixedDelay = "500ms")
    @AbortFault(host = Chain.ACCOUNTING, namespace = Chain.BUSINESS_NS, percent = 5, httpStatus = 503)
    @DelayFault(host = Chain.AUTH, namespace = Chain.SYSTEM_NS, percent = 10, fixedDelay = "500ms")
    @AbortFault(host = Chain.AUTH, namespace = Chain.SYSTEM_NS, percent = 5, httpStatus = 503)
    @DisplayName("per hop: the injected 5 % breaks every error-rate SLO; the 500 ms delay on 10 % breaks the system (200 ms) and business (500 ms) P99 SLOs; the service tier's 1 s is reported")
    void tierSlosUnderTheWeeklyFaults(Mesh mesh, MeshWindow window) {
        // The P99 verdict needs the most requests of the conclusive ones: 459 for a 99 % bound on the P99.
        Plan plan = SampleSizePlanner.forQuantile(0.99, Judge.DEFAULT_CONFIDENCE);
        window.edge(Chain.reportedCaller(mesh, Chain.ORDER_BFF), Chain.ORDER_SERVER);
        List<TrafficRun> runs = new ArrayList<>();
        // The three hops share Chain.SAMPLE_RATE: they run at once, through the same JVM.
        for (Hop hop : HOPS) {
            runs.add(Chain.from(mesh, hop.caller(), hop.callerNs()).send(mesh.request(hop.server(), hop.serverNs()).basePath(Chain.PATH))
                    .atRate((double) Chain.SAMPLE_RATE / HOPS.size()).forRequests(plan.requests() + 20).start());
        }
        List<TrafficResult> results = runs.stream().map(TrafficRun::awaitResult).toList();
        MeshSnapshot s = window.result().snapshot();

        List<String> report = new ArrayList<>(List.of(
                "| tier | hop | SLO | observed | verdict | requests had / needed |",
                "| --- | --- | --- | --- | --- | --- |"));
        List<Verdict[]> verdicts = new ArrayList<>();
        for (int i = 0; i < HOPS.size(); i++) {
            Hop hop = HOPS.get(i);
            FaultWindow w = FaultWindow.of(s).edge(Chain.reportedCaller(mesh, hop.caller()), hop.server())
                    .abortPercent(percent(5)).delayPercent(percent(10))
                    .clientLatency(results.get(i).total().latency(), TimeUnit.MICROSECONDS).build();
            Verdict errors = Judge.errorRateBelow(w, false, hop.errorSlo(), Judge.DEFAULT_CONFIDENCE);
            Verdict organic = Judge.errorRateBelow(w, true, hop.errorSlo(), Judge.DEFAULT_CONFIDENCE);
            Verdict p99 = Judge.p99Below(w, hop.p99Slo(), Judge.DEFAULT_CONFIDENCE);
            long n = Telemetry.requests(s, Telemetry.source(w.caller(), hop.server()));
            report.add(row(hop, "error rate < " + hop.errorSlo() + " (incl. injected)", errors, n,
                    SampleSizePlanner.forRateBelow(hop.errorSlo(), percent(5), Judge.DEFAULT_CONFIDENCE)));
            report.add(row(hop, "error rate < " + hop.errorSlo() + " (service's own, FI excluded)", organic, n,
                    SampleSizePlanner.forRateBelow(hop.errorSlo(), percent(0), Judge.DEFAULT_CONFIDENCE)));
            report.add(row(hop, "P99 < " + hop.p99Slo().toMillis() + " ms", p99, n, plan));
            verdicts.add(new Verdict[] {errors, organic, p99});
        }
        Reports.write("tier-slo-under-weekly-faults", report);

        for (int i = 0; i < HOPS.size(); i++) {
            Hop hop = HOPS.get(i);
            Verdict[] v = verdicts.get(i);
            assertThat(v[0].outcome()).as("%s error-rate SLO with 5 %% injected 503s: %s", hop.tier(), v[0].message()).isEqualTo(Verdict.Outcome.FAIL);
            assertThat(v[1].outcome()).as("%s: the services themselves fail nothing (pass, or inconclusive below the needed sample): %s",
                    hop.tier(), v[1].message()).isNotEqualTo(Verdict.Outcome.FAIL);
            if (hop.p99Slo().toMillis() <= 500) {
                assertThat(v[2].outcome()).as("%s P99 SLO %d ms with 10 %% of requests delayed 500 ms: %s", hop.tier(), hop.p99Slo().toMillis(),
                        v[2].message()).isEqualTo(Verdict.Outcome.FAIL);
            } else {
                // 500 ms + the hop's own time: below 1 s on a quiet machine; on a loaded one the local mesh's own latency
                // decides it, so the verdict is reported (target/design-reports), and only its conclusiveness asserted.
                assertThat(v[2].outcome()).as("%s P99 SLO verdict is conclusive: %s", hop.tier(), v[2].message())
                        .isNotEqualTo(Verdict.Outcome.INCONCLUSIVE);
            }
        }
    }

    private static String row(Hop hop, String slo, Verdict v, long had, Plan needed) {
        return String.format(Locale.ROOT, "| %s | %s → %s | %s | %s | %s | %,d / %s |", hop.tier(), hop.caller(), hop.server(), slo,
                v.actual(), v.outcome(), had, needed.requests() == Long.MAX_VALUE ? "undecidable" : String.format(Locale.ROOT, "%,d", needed.requests()));
    }

}
