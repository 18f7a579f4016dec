package io.k1s0.fault.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProbeTest {

    /** rest-assured's first request loads Groovy and takes seconds on a busy machine; pay it once, not inside a deadline. */
    @BeforeAll
    static void warmUpRestAssured() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.response().end())) {
            Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/")).atMost(Duration.ofSeconds(60))
                    .untilSeen("any response", r -> true);
        }
    }

    @Test
    void probesUntilAnInjectedResponseWithTheHeaderIsSeen() {
        AtomicInteger served = new AtomicInteger();
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> {
            if (served.incrementAndGet() > 5) {
                req.response().setStatusCode(503).putHeader("x-fault", "injected").end();
            } else {
                req.response().end("ok");
            }
        })) {
            ProbeResult seen = Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/"))
                    .every(Duration.ofMillis(10)).atMost(Duration.ofSeconds(20))
                    .untilSeen("an injected 503", r -> r.statusCode() == 503 && "injected".equals(r.header("x-fault")));

            assertThat(seen.satisfied()).isTrue();
            assertThat(seen.probes()).as("five 200s, then the 503").isEqualTo(6);
            assertThat(seen.responsesByStatus()).as("what was seen").containsEntry(200, 5L).containsEntry(503, 1L);
            assertThat(seen.firstMatch()).as("the matching response").hasValueSatisfying(r -> assertThat(r.header("x-fault")).isEqualTo("injected"));
        }
    }

    @Test
    void waitsForSeveralMatchesWhenAsked() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.response().setStatusCode(503).end())) {
            ProbeResult seen = Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/"))
                    .every(Duration.ZERO).untilSeen("a 503", r -> r.statusCode() == 503, 3);

            assertThat(seen.matches()).as("matches").isEqualTo(3);
            assertThat(seen.probes()).as("one probe per poll").isEqualTo(3);
        }
    }

    @Test
    void onTimeoutTheMessageSaysWhatWasSeenInstead() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.response().putHeader("x-seen", "yes").end("ok"))) {
            assertThatThrownBy(() -> Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/orders"))
                    .every(Duration.ofMillis(50)).atMost(Duration.ofSeconds(5))
                    .untilSeen("an injected 503", r -> r.statusCode() == 503))
                    .isInstanceOf(ProbeTimeoutException.class)
                    .hasMessageContaining("Probe gate 'an injected 503' not met within PT5S")
                    .hasMessageContaining("matched 0")
                    .hasMessageContaining("status 200×")
                    .hasMessageContaining("/orders")
                    .hasMessageContaining("x-seen: yes")
                    .satisfies(e -> assertThat(((ProbeTimeoutException) e).result().probes()).as("probes sent").isPositive());
        }
    }

    @Test
    void transportErrorsAreReportedByKindOnTimeout() {
        assertThatThrownBy(() -> Traffic.from(Vantage.direct()).probe(Specs.loopback(LoopbackServers.refusingPort(), "/"))
                .every(Duration.ofMillis(20)).atMost(Duration.ofSeconds(5))
                .untilSeen("any 200", r -> r.statusCode() == 200))
                .isInstanceOf(ProbeTimeoutException.class)
                .hasMessageContaining("CONNECTION_REFUSED×");
    }

    @Test
    void badProbeSettingsAreRejectedWithTheAllowedRange() {
        Probe probe = Traffic.from(Vantage.direct()).probe(Specs.loopback(80, "/"));
        assertThatThrownBy(() -> probe.atMost(Duration.ZERO)).hasMessageContaining("Probe.atMost: given PT0S; allowed: PT0.001S..PT30M");
        assertThatThrownBy(() -> probe.every(Duration.ofSeconds(-1))).hasMessageContaining("Probe.every: given PT-1S");
        assertThatThrownBy(() -> probe.untilSeen("x", r -> true, 0)).hasMessageContaining("times: given 0; allowed: >= 1");
    }
}
