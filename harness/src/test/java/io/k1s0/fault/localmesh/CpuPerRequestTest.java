package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's CPU-per-request reading: the busiest event loop is the proxy's, the next the backend's. */
class CpuPerRequestTest {

    @Test
    void theTwoBusiestLoopsBetweenSnapshotsAreDividedByTheResponses() {
        Map<Long, Long> before = Map.of(1L, 1_000_000L, 2L, 5_000_000L, 3L, 0L);
        Map<Long, Long> after = Map.of(1L, 221_000_000L, 2L, 105_000_000L, 3L, 1_000_000L, 4L, 900_000_000L);

        SidecarHopBenchmark.CpuPerRequest cpu = SidecarHopBenchmark.perRequest(before, after, 2000);

        assertThat(cpu.proxyMicros()).as("busiest loop: 220 ms over 2000 responses").isEqualTo(110.0);
        assertThat(cpu.backendMicros()).as("next busiest: 100 ms over 2000 responses; a loop started in between is left out")
                .isEqualTo(50.0);
    }

    @Test
    void fewerThanTwoEventLoopsIsAnErrorNotAReading() {
        assertThatThrownBy(() -> SidecarHopBenchmark.perRequest(Map.of(1L, 0L), Map.of(1L, 5L), 10))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("found 1");
    }

    @Test
    void thisJvmsEventLoopsAreFoundByName() throws Exception {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            vertx.deployVerticle(new io.vertx.core.AbstractVerticle() {}).toCompletionStage().toCompletableFuture().get();
            assertThat(SidecarHopBenchmark.eventLoopCpuNanos()).as("event-loop threads with their CPU time").isNotEmpty()
                    .allSatisfy((id, nanos) -> assertThat(nanos).isGreaterThanOrEqualTo(0L));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
