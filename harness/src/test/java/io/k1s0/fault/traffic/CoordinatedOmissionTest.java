package io.k1s0.fault.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class CoordinatedOmissionTest {

    private static final long STALL_MS = 200;
    private static final int RATE = 100;

    /**
     * One connection, one response held 200 ms: at 100 rps the 20 requests intended during the stall wait
     * behind it. Measured from their intended times, about 10 of them (those due in the stall's first 100 ms)
     * take at least 100 ms; a closed-loop client that starts the clock when it writes sees only the one.
     */
    @Test
    void aSingleStallIsSmearedOverTheRequestsThatShouldHaveBeenSentDuringIt() {
        AtomicInteger served = new AtomicInteger();
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> {
            if (served.incrementAndGet() == 50) {
                req.response().setStatusCode(200);
                backend(req).setTimer(STALL_MS, t -> req.response().end("late"));
            } else {
                req.response().end("ok");
            }
        })) {
            PhaseResult result = Traffic.from(Vantage.direct()).maxConnections(1).connectTimeout(Duration.ofSeconds(20))
                    .send(Specs.loopback(backend.port(), "/")).atRate(RATE).forRequests(200).run().total();

            Histogram corrected = result.latency();
            Histogram naive = result.serviceTime();
            long correctedSlow = countAtLeast(corrected, Duration.ofMillis(100));
            long naiveSlow = countAtLeast(naive, Duration.ofMillis(100));
            // Grid lower bound: slots at 0, 10, …, 90 ms into the stall all wait ≥ 100 ms (timers only add time).
            long expectedAtLeast = STALL_MS * RATE / 1000 / 2;
            assertThat(result.responses(200)).as("all answered: %s", result.summary()).isEqualTo(200);
            assertThat(corrected.getMaxValue()).as("corrected max covers the stall (µs)").isGreaterThanOrEqualTo(STALL_MS * 1000);
            assertThat(correctedSlow).as("CO-corrected samples ≥ 100 ms").isGreaterThanOrEqualTo(expectedAtLeast);
            assertThat(naiveSlow).as("naive samples ≥ 100 ms (the stalled request itself)").isGreaterThanOrEqualTo(1);
            assertThat(naiveSlow).as("naive timing hides the queueing behind the stall").isLessThan(correctedSlow);
        }
    }

    private static io.vertx.core.Vertx backend(io.vertx.core.http.HttpServerRequest req) {
        return io.vertx.core.Vertx.currentContext().owner();
    }

    private static long countAtLeast(Histogram h, Duration d) {
        long micros = d.toNanos() / 1000;
        return h.getTotalCount() - h.getCountBetweenValues(0, micros - 1);
    }
}
