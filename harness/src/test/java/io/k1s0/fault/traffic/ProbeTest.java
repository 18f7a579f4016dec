package io.k1s0.fault.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProbeTest {

    /** The first probe loads Vert.x and rest-assured's Groovy; on a busy machine that takes seconds: pay it once, not inside a deadline. */
    @BeforeAll
    static void warmUp() {
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
    void thePredicateReadsTheWholeResponseAndItsTime() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.response().setStatusCode(503)
                .setStatusMessage("Service Unavailable").putHeader("content-type", "text/plain").putHeader("x-fault", "abort")
                .putHeader("set-cookie", "session=s1; Path=/orders; HttpOnly").end("fault filter abort"))) {
            ProbeResult seen = Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/"))
                    .untilSeen("an abort", r -> r.asString().contains("fault filter abort"));

            assertThat(seen.firstMatch()).as("the matching response as rest-assured presents it").hasValueSatisfying(r -> {
                assertThat(r.statusCode()).as("status").isEqualTo(503);
                assertThat(r.statusLine()).as("status line").isEqualTo("HTTP/1.1 503 Service Unavailable");
                assertThat(r.header("x-fault")).as("header").isEqualTo("abort");
                assertThat(r.contentType()).as("content type").isEqualTo("text/plain");
                assertThat(r.headers().getValues("Content-Type")).as("Content-Type headers").containsExactly("text/plain");
                assertThat(r.cookie("session")).as("cookie from Set-Cookie").isEqualTo("s1");
                assertThat(r.detailedCookie("session").getPath()).as("cookie path").isEqualTo("/orders");
                assertThat(r.asString()).as("body").isEqualTo("fault filter abort");
                assertThat(r.getTime()).as("time (ms) of an immediate answer").isBetween(0L, 5_000L);
            });
        }
    }

    @Test
    void aResponseWithoutContentTypeHasAnEmptyOneAsRestAssuredGivesIt() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.response().end())) {
            ProbeResult seen = Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/"))
                    .untilSeen("any answer", r -> r.contentType().isEmpty());

            assertThat(seen.firstMatch()).hasValueSatisfying(r -> assertThat(r.headers().hasHeaderWithName("Content-Type"))
                    .as("no Content-Type header made up").isFalse());
        }
    }

    @Test
    void aProbeThatOutlivesItsBoundIsResetSoTheNextProbeGetsTheConnection() {
        AtomicInteger served = new AtomicInteger();
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> {
            if (served.incrementAndGet() == 1) {
                // Trickles a byte every 50 ms: never idle, never finished.
                req.response().setChunked(true).write("x");
                long timer = io.vertx.core.Vertx.currentContext().owner().setPeriodic(50, t -> {
                    if (!req.response().closed()) {
                        req.response().write("x");
                    }
                });
                req.response().closeHandler(v -> io.vertx.core.Vertx.currentContext().owner().cancelTimer(timer));
            } else {
                req.response().end("ok");
            }
        })) {
            ProbeResult seen = Traffic.from(Vantage.direct()).connectTimeout(Duration.ofSeconds(1))
                    // 1 s: the answered probe reconnects within it, also on a loaded machine
                    .requestTimeout(Duration.ofSeconds(1)).probe(Specs.loopback(backend.port(), "/"))
                    .every(Duration.ZERO).atMost(Duration.ofSeconds(20)).untilSeen("an ok", r -> r.asString().equals("ok"));

            assertThat(seen.transportErrorsByKind()).as("the trickling probe, cut at connect + request timeout + 1 s")
                    .containsEntry(TransportError.RESPONSE_TIMEOUT, 1L);
            assertThat(seen.satisfied()).as("a later probe was answered: the connection was freed").isTrue();
            assertThat(seen.probes()).as("the cut probe, then the one answered on the freed connection").isEqualTo(2);
        }
    }

    @Test
    void getTimeCoversTheServersDelaySoADelayGateCanMatchOnIt() {
        AtomicInteger served = new AtomicInteger();
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> {
            if (served.incrementAndGet() == 3) {
                io.vertx.core.Vertx.currentContext().owner().setTimer(300, t -> req.response().end("late"));
            } else {
                req.response().end("now");
            }
        })) {
            ProbeResult seen = Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/"))
                    .every(Duration.ZERO).untilSeen("a response delayed 300 ms", r -> r.getTime() >= 300);

            assertThat(seen.probes()).as("two prompt answers (or slow ones, on a loaded machine), then the delayed one")
                    .isGreaterThanOrEqualTo(3);
            assertThat(seen.firstMatch()).hasValueSatisfying(r -> assertThat(r.asString()).as("body").isEqualTo("late"));
        }
    }

    @Test
    void probesShareOneKeptAliveConnection() {
        java.util.Set<Object> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> {
            connections.add(req.connection());
            req.response().end("ok");
        })) {
            ProbeResult seen = Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/"))
                    .every(Duration.ZERO).untilSeen("ten answers", r -> r.statusCode() == 200, 10);

            assertThat(seen.probes()).as("probes").isEqualTo(10);
            assertThat(connections).as("connections the server saw for ten probes").hasSize(1);
        }
    }

    @Test
    void aPredicateThatThrowsEndsTheGateWithItsException() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.response().end("not json"))) {
            assertThatThrownBy(() -> Traffic.from(Vantage.direct()).probe(Specs.loopback(backend.port(), "/"))
                    .atMost(Duration.ofSeconds(20)).untilSeen("a JSON body", r -> {
                        throw new IllegalStateException("cannot parse: " + r.asString());
                    }))
                    .as("the predicate's own failure, not a timeout nor a transport error")
                    .isInstanceOf(IllegalStateException.class).hasMessage("cannot parse: not json");
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
