package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.experiment.TargetResolver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LiveFeedTest {

    private static PhaseDriver.Numbers numbers(long sent, long errors) {
        Histogram h = new Histogram(1, 60_000_000L, 3);
        h.recordValueWithCount(120_000, sent);
        return new PhaseDriver.Numbers(sent, sent, errors, Map.of("503", errors), h, List.of());
    }

    @Test
    void cumulativePhaseNumbersBecomeCounterIncrementsAndTheEndpointServesThem() throws Exception {
        List<TargetResolver.ResolvedTarget> targets = List.of(new TargetResolver.ResolvedTarget("order-server", "k1s0-service"));
        try (LiveFeed feed = new LiveFeed("weekly", targets, Optional.of(0))) {
            feed.phase("baseline");
            feed.progress(numbers(100, 0));
            feed.progress(numbers(250, 5));
            feed.phase("injection");
            feed.faultActive(true);
            feed.progress(numbers(40, 2));
            feed.injected("abort", "order-server", 2);

            int port = feed.address().orElseThrow().getPort();
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();

            assertThat(body).as("/metrics while injecting")
                    .containsPattern("(?m)^fault_injection_requests_total\\{[^}]*} 290\\.0$")
                    .containsPattern("(?m)^fault_injection_errors_total\\{[^}]*} 7\\.0$")
                    .containsPattern("(?m)^chaos_experiment_active\\{[^}]*} 1\\.0$")
                    .containsPattern("chaos_fault_injected_total\\{[^}]*fault_type=\"abort\"[^}]*tier=\"service\"[^}]*} 2\\.0");
        }
    }

    @Test
    void theTierComesFromTheK1s0NamespaceName() {
        assertThat(LiveFeed.tier("k1s0-system")).isEqualTo("system");
        assertThat(LiveFeed.tier("k1s0-business")).isEqualTo("business");
        assertThat(LiveFeed.tier("payments")).isEqualTo("unknown");
    }
}
