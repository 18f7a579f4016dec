package io.k1s0.fault.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrafficDriverTest {

    private final AtomicInteger served = new AtomicInteger();
    private LoopbackServers.Backend backend;

    @BeforeEach
    void startBackend() {
        backend = LoopbackServers.Backend.answering(req -> {
            int n = served.incrementAndGet();
            req.response().setStatusCode(n % 4 == 0 ? 503 : 200).end("ok");
        });
    }

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    /** Generous timeouts: these tests are about counting, and a cold JVM on a busy machine can be slow. */
    private Traffic direct() {
        return Traffic.from(Vantage.direct()).connectTimeout(Duration.ofSeconds(20)).requestTimeout(Duration.ofSeconds(20));
    }

    @Test
    void aDurationPhaseSchedulesExactlyRateTimesDurationSlots() {
        TrafficResult result = direct().send(Specs.loopback(backend.port(), "/orders"))
                .atRate(200).forDuration(Duration.ofSeconds(2)).run();

        PhaseResult main = result.phase("main");
        assertThat(main.scheduled()).as("grid slots in 2 s at 200 rps").isEqualTo(400);
        assertThat(main.sent()).as("sent (nothing dropped under the in-flight bound)").isEqualTo(400);
        assertThat(main.responses()).as("every request answered: %s", main.summary()).isEqualTo(400);
        assertThat(main.sendWindow()).as("the send window covers the whole grid").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(main.achievedRate()).as("achieved rate is sent / send window")
                .isEqualTo(400 / (main.sendWindow().toNanos() / 1e9));
        assertThat(result.stopReason()).isEqualTo(StopReason.COMPLETED);
        assertThat(main.latency().getTotalCount()).as("one latency sample per response").isEqualTo(400);
        assertThat(main.sendLateness().getTotalCount()).as("one lateness sample per send").isEqualTo(400);
        long runSeconds = Duration.between(result.start(), result.end()).toSeconds() + 1;
        assertThat(result.timeSeries()).as("at most one entry per second").hasSizeLessThanOrEqualTo((int) runSeconds + 1)
                .extracting(SecondSample::second).doesNotHaveDuplicates();
        assertThat(result.timeSeries().stream().mapToLong(SecondSample::count).sum()).as("series covers every response").isEqualTo(400);
    }

    @Test
    void aRequestCountPhaseSendsExactlyThatMany() {
        TrafficResult result = direct().send(Specs.loopback(backend.port(), "/")).atRate(500).forRequests(123).run();

        assertThat(result.total().sent()).as("sent").isEqualTo(123);
        assertThat(served.get()).as("requests the backend saw").isEqualTo(123);
    }

    @Test
    void responsesAreCountedPerStatusCode() {
        TrafficResult result = direct().send(Specs.loopback(backend.port(), "/")).atRate(400).forRequests(100).run();

        assertThat(result.total().responsesByStatus()).as("every 4th request answered 503")
                .isEqualTo(Map.of(200, 75L, 503, 25L));
        assertThat(result.total().responses(503)).isEqualTo(25);
        assertThat(result.timeSeries()).as("per-second series").isNotEmpty();
        assertThat(result.timeSeries().stream().mapToLong(SecondSample::count).sum()).as("series counts add up").isEqualTo(100);
        assertThat(result.timeSeries().stream().mapToLong(SecondSample::errors).sum()).as("series counts 5xx as errors").isEqualTo(25);
        assertThat(result.summary()).as("summary line").contains("200×75", "503×25", "COMPLETED", "direct");
    }

    @Test
    void maxRequestsCapStopsTheRun() {
        TrafficResult result = direct().send(Specs.loopback(backend.port(), "/"))
                .atRate(1000).forDuration(Duration.ofSeconds(60)).maxRequests(150).run();

        assertThat(result.stopReason()).isEqualTo(StopReason.MAX_REQUESTS);
        assertThat(result.total().scheduled()).as("scheduled slots").isEqualTo(150);
        assertThat(Duration.between(result.start(), result.end())).as("stopped long before the planned 60 s")
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void maxDurationCapStopsTheRun() {
        TrafficResult result = direct().send(Specs.loopback(backend.port(), "/"))
                .atRate(100).forDuration(Duration.ofSeconds(60)).maxDuration(Duration.ofMillis(500)).run();

        assertThat(result.stopReason()).isEqualTo(StopReason.MAX_DURATION);
        assertThat(result.total().scheduled()).as("slots due within the 500 ms cap at 100 rps").isBetween(1L, 50L);
        assertThat(Duration.between(result.start(), result.end())).as("stopped long before the planned 60 s")
                .isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void phasesRunInOrderWithTheirOwnRatesAndTheHookBeforeEach() {
        List<String> hookCalls = new CopyOnWriteArrayList<>();
        List<Instant> hookTimes = new CopyOnWriteArrayList<>();
        TrafficResult result = direct().send(Specs.loopback(backend.port(), "/"))
                .phase("baseline").atRate(100).forDuration(Duration.ofMillis(500))
                .phase("injection").atRate(200).forDuration(Duration.ofMillis(500))
                .phase("recovery").forRequests(30)
                .onPhaseStart(name -> {
                    hookCalls.add(name);
                    hookTimes.add(Instant.now());
                })
                .run();

        assertThat(result.phaseNames()).containsExactly("baseline", "injection", "recovery");
        assertThat(hookCalls).as("hook called once per phase, in order").containsExactly("baseline", "injection", "recovery");
        assertThat(result.phase("baseline").scheduled()).as("baseline: 100 rps × 0.5 s").isEqualTo(50);
        assertThat(result.phase("injection").scheduled()).as("injection: 200 rps × 0.5 s").isEqualTo(100);
        assertThat(result.phase("recovery").scheduled()).as("recovery: 30 requests").isEqualTo(30);
        assertThat(result.phase("recovery").targetRate()).as("recovery inherits the previous rate").isEqualTo(200);
        assertThat(result.total().sent()).as("total over phases").isEqualTo(180);
        for (int i = 0; i < 3; i++) {
            assertThat(hookTimes.get(i)).as("hook ran before phase %s started", hookCalls.get(i))
                    .isBeforeOrEqualTo(result.phases().get(i).start());
        }
        assertThat(result.phase("baseline").end()).as("phases do not overlap").isBeforeOrEqualTo(result.phase("injection").start());
    }

    @Test
    void inFlightBoundDropsAndCountsTheOverflow() {
        try (LoopbackServers.Backend silent = LoopbackServers.Backend.answering(req -> { })) {
            TrafficResult result = direct().requestTimeout(Duration.ofSeconds(2))
                    .send(Specs.loopback(silent.port(), "/")).atRate(100).forRequests(50).maxInFlight(5).run();

            PhaseResult main = result.phase("main");
            assertThat(main.sent()).as("sent up to the in-flight bound").isEqualTo(5);
            assertThat(main.dropped()).as("the rest counted as dropped").isEqualTo(45);
            assertThat(main.scheduled()).as("sent + dropped = slots").isEqualTo(50);
            assertThat(main.transportErrors(TransportError.RESPONSE_TIMEOUT)).as("the held requests time out").isEqualTo(5);
            assertThat(silent.requestLines).as("backend saw only the bounded requests").hasSize(5);
        }
    }

    @Test
    void aRunningRunCanBeWatchedAndStopped() {
        TrafficRun run = direct().send(Specs.loopback(backend.port(), "/")).atRate(100).forDuration(Duration.ofSeconds(60)).start();
        await("some traffic sent").atMost(Duration.ofSeconds(10)).until(() -> run.snapshot().total().sent() >= 10);
        assertThat(run.snapshot().stopReason()).as("live snapshot").isEqualTo(StopReason.RUNNING);

        run.stop();
        TrafficResult result = run.awaitResult(Duration.ofSeconds(15));

        assertThat(result.stopReason()).isEqualTo(StopReason.STOPPED);
        assertThat(result.total().sent()).as("stopped early").isBetween(10L, 5_999L);
        assertThat(result.total().responses()).as("in-flight requests finished before the result").isEqualTo(result.total().sent());
    }

    @Test
    void aFailingPhaseHookFailsTheRunWithThePhaseName() {
        TrafficRun run = direct().send(Specs.loopback(backend.port(), "/")).atRate(10).forRequests(1)
                .onPhaseStart(name -> {
                    throw new IllegalStateException("fault not installed");
                }).start();

        org.assertj.core.api.Assertions.assertThatThrownBy(run::awaitResult)
                .isInstanceOf(TrafficException.class)
                .hasMessageContaining("onPhaseStart hook failed for phase 'main'");
    }
}
