package io.k1s0.fault.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransportErrorTest {

    private static PhaseResult sendFive(int port, Traffic traffic) {
        return traffic.send(Specs.loopback(port, "/")).atRate(50).forRequests(5).run().total();
    }

    @Test
    void aRefusedConnectionIsClassifiedAsRefused() {
        PhaseResult result = sendFive(LoopbackServers.refusingPort(), Traffic.from(Vantage.direct()));

        assertThat(result.transportErrorsByKind()).isEqualTo(Map.of(TransportError.CONNECTION_REFUSED, 5L));
        assertThat(result.responses()).isZero();
    }

    @Test
    void aRefusingProxyIsClassifiedAsRefused() {
        PhaseResult result = Traffic.from(Vantage.viaProxy(java.net.URI.create("http://127.0.0.1:" + LoopbackServers.refusingPort())))
                .send(Specs.loopback(80, "/")).atRate(50).forRequests(3).run().total();

        assertThat(result.transportErrorsByKind()).isEqualTo(Map.of(TransportError.CONNECTION_REFUSED, 3L));
    }

    @Test
    void aResetConnectionIsClassifiedAsReset() throws Exception {
        try (LoopbackServers.HangUp server = new LoopbackServers.HangUp(true)) {
            PhaseResult result = sendFive(server.port(), Traffic.from(Vantage.direct()));

            assertThat(result.transportErrorsByKind()).isEqualTo(Map.of(TransportError.CONNECTION_RESET, 5L));
        }
    }

    @Test
    void aConnectionClosedBeforeTheResponseIsClassifiedAsClosed() throws Exception {
        try (LoopbackServers.HangUp server = new LoopbackServers.HangUp(false)) {
            PhaseResult result = sendFive(server.port(), Traffic.from(Vantage.direct()));

            assertThat(result.transportErrorsByKind()).isEqualTo(Map.of(TransportError.CONNECTION_CLOSED, 5L));
        }
    }

    @Test
    void aSilentBackendIsClassifiedAsResponseTimeout() {
        try (LoopbackServers.Backend silent = LoopbackServers.Backend.answering(req -> { })) {
            PhaseResult result = sendFive(silent.port(), Traffic.from(Vantage.direct()).requestTimeout(Duration.ofMillis(300)));

            assertThat(result.transportErrorsByKind()).isEqualTo(Map.of(TransportError.RESPONSE_TIMEOUT, 5L));
            assertThat(result.summary()).contains("RESPONSE_TIMEOUT×5");
        }
    }
}
