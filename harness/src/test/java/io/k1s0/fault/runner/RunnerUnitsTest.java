package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k1s0.fault.experiment.Experiment;
import io.k1s0.fault.experiment.Percent;
import io.k1s0.fault.metrics.MeshSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RunnerUnitsTest {

    private static final Experiment.Safety SAFETY = new Experiment.Safety(new Percent(5), Duration.ofMillis(1000),
            List.of(), List.of(), null);

    @Test
    void durationCompressesThePhasesProportionallyToWholeSeconds() {
        PhaseDurations weekly = new PhaseDurations(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofMinutes(5));

        PhaseDurations two = weekly.compressedTo(Duration.ofMinutes(2));

        assertThat(two).as("40 minutes compressed to 2").isEqualTo(
                new PhaseDurations(Duration.ofSeconds(15), Duration.ofSeconds(90), Duration.ofSeconds(15)));
        assertThat(weekly.compressedTo(Duration.ofSeconds(2)).baseline()).as("no phase shorter than one second")
                .isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void durationOptionAcceptsUnitsAndIsoAndRejectsZeroAndNonsense() {
        DurationConverter c = new DurationConverter();

        assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.convert("PT1H")).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> c.convert("0s")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'0s' is not positive; allowed: e.g. 90s, 2m, 1h, PT2M");
        assertThatThrownBy(() -> c.convert("two minutes")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'two minutes' is not a duration; allowed: e.g. 90s, 2m, 1h, PT2M");
    }

    private static MeshSnapshot callerWindow(long requests, long organic503, long injected503) {
        Instant t = Instant.parse("2026-11-23T01:00:00Z");
        Map<String, String> ok = Map.of("reporter", "source", "source_workload", "fault-runner", "response_code", "200",
                "response_flags", "-", "destination_service_name", "order-server");
        Map<String, String> organic = Map.of("reporter", "source", "source_workload", "fault-runner", "response_code", "503",
                "response_flags", "URX", "destination_service_name", "order-server");
        Map<String, String> injected = Map.of("reporter", "source", "source_workload", "fault-runner", "response_code", "503",
                "response_flags", "FI", "destination_service_name", "order-server");
        return MeshSnapshot.builder(t, t.plusSeconds(10))
                .add("istio_requests_total", ok, requests - organic503 - injected503)
                .add("istio_requests_total", organic, organic503)
                .add("istio_requests_total", injected, injected503).build();
    }

    private static Histogram latencies(long fastCount, long slowCount) {
        Histogram h = new Histogram(1, 60_000_000L, 3);
        h.recordValueWithCount(20_000, fastCount);
        if (slowCount > 0) {
            h.recordValueWithCount(1_500_000, slowCount);
        }
        return h;
    }

    @Test
    void injectedAbortsNeverCountAsABreach() {
        BreachMonitor m = new BreachMonitor(SAFETY, "fault-runner");

        assertThat(m.check(callerWindow(1000, 0, 300), latencies(1000, 0)))
                .as("30 % injected 503s, no organic errors").isEmpty();
    }

    @Test
    void organicErrorsClearlyAboveFivePercentAreABreach() {
        BreachMonitor m = new BreachMonitor(SAFETY, "fault-runner");

        assertThat(m.check(callerWindow(1000, 100, 50), latencies(1000, 0))).as("100 of 950 non-injected failed")
                .hasValueSatisfying(b -> {
                    assertThat(b.metric()).isEqualTo("organicErrorRate");
                    assertThat(b.message()).contains("organic error rate 10.53 % (100 of 950 non-injected requests)")
                            .contains("above the 5.00 % limit");
                });
    }

    @Test
    void aFewEarlyOrganicErrorsAreNotYetEvidenceOfABreach() {
        BreachMonitor m = new BreachMonitor(SAFETY, "fault-runner");

        assertThat(m.check(callerWindow(10, 1, 0), latencies(10, 0)))
                .as("1 of 10 is 10 %% observed, but the 95 %% lower bound is below 5 %%").isEmpty();
    }

    @Test
    void moreThanOnePercentSlowerThanTheLimitIsAP99Breach() {
        BreachMonitor m = new BreachMonitor(SAFETY, "fault-runner");

        assertThat(m.check(callerWindow(1000, 0, 0), latencies(950, 50))).as("5 %% of requests at 1.5 s")
                .hasValueSatisfying(b -> assertThat(b.metric()).isEqualTo("p99"));
        assertThat(m.check(callerWindow(1000, 0, 0), latencies(999, 1))).as("0.1 %% of requests at 1.5 s").isEmpty();
    }

    @Test
    void theLowerBoundIsClopperPearson() {
        assertThat(BreachMonitor.lowerBound(0, 100)).as("no events").isZero();
        // one-sided 95 %: the 0.05 quantile of Beta(5, 96) is 0.0199056 (scipy.stats.beta.ppf(0.05, 5, 96))
        assertThat(BreachMonitor.lowerBound(5, 100)).as("5 of 100").isBetween(0.01990, 0.01991);
    }
}
