package io.k1s0.fault.examples;

import static io.k1s0.fault.api.MeshAssertions.assertThat;
import static io.k1s0.fault.api.MeshAssertions.millis;
import static io.k1s0.fault.api.MeshAssertions.percent;
import static org.awaitility.Awaitility.await;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.DelayFault;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshWindow;
import io.k1s0.fault.metrics.Buckets;
import io.k1s0.fault.metrics.MeshMetric;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.FaultWindow;
import io.k1s0.fault.verdict.SampleSizePlanner;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The weekly fault plan of the k1s0 design (500 ms delay on 10 % and HTTP 503 on 5 % of the requests to
 * order-server), run on the local mesh: the observed fractions match the plan and the P99 moves past 500 ms.
 * Request counts come from the sample-size planner; every verdict uses an interval at {@value #CONFIDENCE}.
 * {@code @Isolated}: the module runs classes in parallel, and the baseline P99 below is this JVM's own latency, which
 * other classes' traffic would raise.
 */
@MeshFaultTest(workloads = "classpath:k1s0-design-topology.yaml")
@Isolated
@DisplayName("Weekly fault plan: 10 % × 500 ms delay and 5 % × 503 on order-server")
class WeeklyFaultPlanExampleTest {

    private static final String NS = "k1s0-service";
    /** High enough that 20 runs × 4 verdicts stay clear of chance failures (each errs with probability 0.01 %). */
    private static final double CONFIDENCE = 0.9999;
    /**
     * The measured windows' rate: the local mesh answers it alone on the shared 2-core machine with no request lost (a
     * request that never arrives is not counted), and it keeps the planner's 3,404 requests to 3.5 s.
     */
    private static final double RATE = 1000;
    /** The warm-up batches' rate: modest, so a cold or busy JVM can reach the warm P99 below. */
    private static final double WARM_UP_RATE = 200;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** A warm-up batch: one second of traffic at {@link #WARM_UP_RATE}. */
    private static final long WARM_UP_BATCH = 200;
    /** The mesh counts as warm once a whole batch has a client-side P99 below this. */
    private static final Duration WARM_P99 = Duration.ofMillis(50);

    private FaultWindow baseline;

    /**
     * The in-JVM mesh is slow until the JIT has compiled its request path (and slower still on a busy machine):
     * send unmeasured batches until one is fast, with a deadline, so the baseline measures the mesh and not the JIT.
     */
    @BeforeAll
    static void warmUp(Mesh mesh) {
        await("the local mesh answers a batch of " + WARM_UP_BATCH + " requests with a client P99 below " + WARM_P99)
                .atMost(Duration.ofMinutes(3)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> mesh.from("order-bff", NS).connectTimeout(CONNECT_TIMEOUT).send(mesh.request("order-server", NS))
                        .atRate(WARM_UP_RATE).forRequests(WARM_UP_BATCH).run()
                        .total().latency().getValueAtPercentile(99) < WARM_P99.toNanos() / 1_000);
    }

    /** Runs before the faults are installed: the P99 the plan is compared against. */
    @BeforeEach
    void measureBaseline(Mesh mesh) {
        long requests = SampleSizePlanner.forQuantile(0.99, CONFIDENCE).requests();
        MeshWindow window = mesh.openWindow("order-bff", "order-server");
        TrafficResult sent = mesh.from("order-bff", NS).connectTimeout(CONNECT_TIMEOUT).send(mesh.request("order-server", NS))
                .atRate(RATE).forRequests(requests).run();
        baseline = window.result(sent);
    }

    @Test
    @DelayFault(host = "order-server", namespace = NS, percent = 10, fixedDelay = "500ms")
    @AbortFault(host = "order-server", namespace = NS, percent = 5, httpStatus = 503)
    void faultFractionsMatchThePlanAndTheP99Shifts(Mesh mesh, MeshWindow window) {
        long requests = Math.max(
                SampleSizePlanner.forFraction(percent(10), percent(2), CONFIDENCE).requests(),
                SampleSizePlanner.forFraction(percent(5), percent(2), CONFIDENCE).requests());

        TrafficResult sent = mesh.from("order-bff", NS).connectTimeout(CONNECT_TIMEOUT).send(mesh.request("order-server", NS))
                .atRate(RATE).forRequests(requests).run();
        FaultWindow faulted = window.result(sent);

        assertThat(faulted).delayFraction().atConfidence(CONFIDENCE).within(percent(2)).isConsistentWith(percent(10));
        assertThat(faulted).abortFraction().atConfidence(CONFIDENCE).within(percent(2)).isConsistentWith(percent(5));
        assertThat(baseline).p99().atConfidence(CONFIDENCE).isBelow(millis(500));
        assertP99Above500ms(faulted);
    }

    /**
     * The P99 is above 500 ms when more than 1 % of the requests took longer: the one-sided Clopper-Pearson lower
     * bound of that share, from the histogram buckets, must exceed 1 %.
     */
    private void assertP99Above500ms(FaultWindow w) {
        Buckets buckets = w.snapshot().buckets(MeshMetric.REQUEST_DURATION, PromQl.LATENCY_P99.selector(w.scope()));
        long n = Math.round(buckets.count());
        long slower = n - Math.round(buckets.cumulative().floorEntry(500.0).getValue());
        double lowerBound = slower == 0 ? 0 : new BetaDistribution(slower, n - slower + 1).inverseCumulativeProbability(1 - CONFIDENCE);
        Assertions.assertThat(lowerBound)
                .as("share of requests slower than 500 ms under the faults (%d of %d), lower %s %% Clopper-Pearson bound; "
                        + "baseline P99 %s ms; buckets %s", slower, n, CONFIDENCE * 100,
                        PromQl.LATENCY_P99.evaluate(baseline.snapshot(), baseline.scope()), buckets)
                .isGreaterThan(0.01);
    }
}
