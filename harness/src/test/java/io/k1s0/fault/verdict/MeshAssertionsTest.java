package io.k1s0.fault.verdict;

import static io.k1s0.fault.verdict.MeshAssertions.assertThat;
import static io.k1s0.fault.verdict.MeshAssertions.millis;
import static io.k1s0.fault.verdict.MeshAssertions.percent;
import static io.k1s0.fault.verdict.Windows.window;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.k1s0.fault.metrics.MeshMetric;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class MeshAssertionsTest {

    static String failureOf(Runnable assertion) {
        Throwable t = catchThrowable(assertion::run);
        org.assertj.core.api.Assertions.assertThat(t).as("the verdict fails").isInstanceOf(AssertionFailedError.class);
        return t.getMessage();
    }

    static String abortOf(Runnable assertion) {
        Throwable t = catchThrowable(assertion::run);
        org.assertj.core.api.Assertions.assertThat(t).as("the verdict is inconclusive").isInstanceOf(TestAbortedException.class);
        return t.getMessage();
    }

    @Nested
    class AbortFraction {

        @Test
        void should_pass_when_observed_fraction_is_consistent_and_samples_suffice() {
            FaultWindow w = window().requests("source", "200", "-", 3800).requests("source", "503", "FI", 200).build();
            assertThatCode(() -> assertThat(w).abortFraction().isConsistentWith(percent(5))).doesNotThrowAnyException();
        }

        @Test
        void should_fail_when_the_wilson_interval_excludes_the_configured_fraction() {
            FaultWindow w = window().requests("source", "200", "-", 3600).requests("source", "503", "FI", 400).build();
            String message = failureOf(() -> assertThat(w).abortFraction().isConsistentWith(percent(5)));
            org.assertj.core.api.Assertions.assertThat(message).isEqualTo(ABORT_FAILURE);
        }

        @Test
        void should_be_inconclusive_with_the_plan_when_samples_are_too_few() {
            FaultWindow w = window().requests("source", "200", "-", 760).requests("source", "503", "FI", 40).build();
            String message = abortOf(() -> assertThat(w).abortFraction().isConsistentWith(percent(5)));
            org.assertj.core.api.Assertions.assertThat(message).isEqualTo(ABORT_INCONCLUSIVE);
        }

        @Test
        void should_fail_on_few_samples_when_the_fraction_is_clearly_wrong() {
            FaultWindow w = window().requests("source", "200", "-", 800).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).abortFraction().isConsistentWith(percent(5))))
                    .startsWith("[abort fraction order-bff → order-server] FAIL: the 99 % Wilson interval");
        }

        @Test
        void should_be_inconclusive_when_the_edge_saw_no_requests() {
            FaultWindow w = window().build();
            org.assertj.core.api.Assertions.assertThat(abortOf(() -> assertThat(w).abortFraction().isConsistentWith(percent(5))))
                    .startsWith("[abort fraction order-bff → order-server] INCONCLUSIVE: need ≥ 3,152 requests, had 0")
                    .contains("label sets of istio_requests_total (0): none in this window");
        }

        @Test
        void should_prefix_the_users_description() {
            FaultWindow w = window().requests("source", "200", "-", 800).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).as("weekly drill").abortFraction()
                    .isConsistentWith(percent(5)))).startsWith("[weekly drill] [abort fraction");
        }

        @Test
        void should_use_the_configured_percentage_and_say_when_there_is_none() {
            FaultWindow w = window().requests("source", "200", "-", 3800).requests("source", "503", "FI", 200).edge()
                    .abortPercent(percent(5)).build();
            assertThatCode(() -> assertThat(w).abortFraction().isConsistentWithConfigured()).doesNotThrowAnyException();
            assertThatThrownBy(() -> assertThat(w).delayFraction().isConsistentWithConfigured())
                    .hasMessageContaining("no configured delay fraction");
        }
    }

    @Nested
    class DelayFraction {

        @Test
        void should_pass_counting_requests_that_were_both_delayed_and_aborted() {
            FaultWindow w = window().requests("source", "200", "-", 5100).requests("source", "200", "DI", 580)
                    .requests("source", "503", "DI,FI", 20).requests("source", "503", "FI", 300).build();
            assertThatCode(() -> assertThat(w).delayFraction().isConsistentWith(percent(10))).doesNotThrowAnyException();
        }

        @Test
        void should_fail_when_no_delay_was_injected() {
            FaultWindow w = window().requests("source", "200", "-", 6000).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).delayFraction().isConsistentWith(percent(10))))
                    .contains("0.00 % (0 of 6,000 requests;");
        }
    }

    @Nested
    class ErrorRate {

        @Test
        void should_pass_excluding_injected_when_organic_errors_are_rare() {
            FaultWindow w = window().requests("source", "200", "-", 2000).requests("source", "503", "FI", 100).build();
            assertThatCode(() -> assertThat(w).errorRate().excludingInjected().isBelow(percent(1))).doesNotThrowAnyException();
        }

        @Test
        void should_fail_including_injected_aborts() {
            FaultWindow w = window().requests("source", "200", "-", 2000).requests("source", "503", "FI", 100).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).errorRate().isBelow(percent(1))))
                    .startsWith("[error rate order-bff → order-server] FAIL: even the lower 99 % bound")
                    .contains("includes injected aborts (FI)");
        }

        @Test
        void should_fail_when_organic_errors_are_clearly_above() {
            FaultWindow w = window().requests("source", "200", "-", 1900).requests("source", "500", "-", 100)
                    .requests("source", "503", "FI", 100).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).errorRate().excludingInjected().isBelow(percent(1))))
                    .isEqualTo(ORGANIC_FAILURE);
        }

        @Test
        void should_be_inconclusive_when_too_few_requests_to_show_below() {
            FaultWindow w = window().requests("source", "200", "-", 100).build();
            org.assertj.core.api.Assertions.assertThat(abortOf(() -> assertThat(w).errorRate().excludingInjected().isBelow(percent(1))))
                    .startsWith("[organic error rate order-bff → order-server] INCONCLUSIVE: need ≥ 459 requests, had 100");
        }
    }

    @Nested
    class P99 {

        @Test
        void should_pass_when_the_p99_is_below_the_threshold() {
            FaultWindow w = window().sourceLatency(1000, 0).build();
            assertThatCode(() -> assertThat(w).p99().isBelow(millis(500))).doesNotThrowAnyException();
        }

        @Test
        void should_fail_with_bucket_warning_and_client_side_p99() {
            Histogram client = new Histogram(3);
            for (int i = 0; i < 900; i++) {
                client.recordValue(40_000);
            }
            for (int i = 0; i < 100; i++) {
                client.recordValue(540_000);
            }
            FaultWindow w = window().sourceLatency(900, 100).edge().clientLatency(client, TimeUnit.MICROSECONDS).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).p99().isBelow(millis(600))))
                    .isEqualTo(P99_FAILURE);
        }

        @Test
        void should_be_inconclusive_below_459_observations() {
            FaultWindow w = window().sourceLatency(400, 0).build();
            org.assertj.core.api.Assertions.assertThat(abortOf(() -> assertThat(w).p99().isBelow(millis(500))))
                    .startsWith("[P99 order-bff → order-server] INCONCLUSIVE: need ≥ 459 observations, had 400");
        }
    }

    @Nested
    class EnvoyCounters {

        @Test
        void should_pass_when_retries_reach_the_minimum() {
            FaultWindow w = window().envoy(MeshMetric.RETRIES, 12).envoy(MeshMetric.EJECTIONS_ENFORCED, 1).build();
            assertThatCode(() -> assertThat(w).retries().isAtLeast(10)).doesNotThrowAnyException();
            assertThatCode(() -> assertThat(w).ejections().isAtLeast(1)).doesNotThrowAnyException();
        }

        @Test
        void should_fail_when_ejections_stay_below_the_minimum() {
            FaultWindow w = window().envoy(MeshMetric.EJECTIONS_ENFORCED, 0).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).ejections().isAtLeast(1)))
                    .startsWith("[ejections order-bff → order-server] FAIL: "
                            + "envoy_cluster_outlier_detection_ejections_enforced_total rose by 0 in the window, fewer than 1");
        }

        @Test
        void should_fail_explaining_proxyStatsMatcher_when_retries_are_not_exported() {
            FaultWindow w = window().requests("source", "200", "-", 10).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).retries().isAtLeast(1)))
                    .contains("envoy_cluster_upstream_rq_retry is not exported by the caller's sidecar")
                    .contains("enable them with proxyStatsMatcher");
        }

        @Test
        void should_only_count_clusters_of_the_target() {
            FaultWindow w = FaultWindow.of(io.k1s0.fault.metrics.MeshSnapshot.builder(Windows.START, Windows.END)
                    .add(MeshMetric.RETRIES.seriesName(), java.util.Map.of("cluster_name",
                            "outbound|8080||payment-server.k1s0.svc.cluster.local"), 50).build())
                    .edge("order-bff", "order-server").build();
            failureOf(() -> assertThat(w).retries().isAtLeast(1));
        }
    }

    @Nested
    class CanaryAnalysis {

        @Test
        void should_pass_while_blind_to_client_side_faults() {
            FaultWindow w = window().requests("source", "200", "-", 950).requests("source", "503", "FI", 50)
                    .requests("destination", "200", "-", 950).sourceLatency(900, 100).destinationLatency(950, 0).build();
            assertThatCode(() -> assertThat(w).meetsCanaryAnalysis()).doesNotThrowAnyException();
        }

        @Test
        void should_fail_when_the_success_gate_fails() {
            FaultWindow w = window().requests("destination", "200", "-", 970).requests("destination", "500", "-", 30)
                    .destinationLatency(1000, 0).edge().abortPercent(percent(5)).delayPercent(percent(10)).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).meetsCanaryAnalysis()))
                    .isEqualTo(CANARY_FAILURE);
        }

        @Test
        void should_fail_when_no_values_are_found() {
            FaultWindow w = window().requests("source", "200", "-", 10).build();
            org.assertj.core.api.Assertions.assertThat(failureOf(() -> assertThat(w).meetsCanaryAnalysis()))
                    .contains("no values found (Flagger halts advancement)");
        }
    }

    @Test
    void windowRendersEachCatalogueEntryWithItsOwnScope() {
        FaultWindow w = window().build();
        org.assertj.core.api.Assertions.assertThat(w.query(io.k1s0.fault.metrics.PromQl.RETRIES)).isEqualTo(
                "(sum(envoy_cluster_upstream_rq_retry{cluster_name=~\"outbound\\\\|[0-9]+\\\\|[^|]*\\\\|order-server\\\\..*\"}) "
                        + "or vector(0)) - (sum(envoy_cluster_upstream_rq_retry{cluster_name=~\"outbound\\\\|[0-9]+\\\\|[^|]*"
                        + "\\\\|order-server\\\\..*\"} offset 60000ms) or vector(0))");
        org.assertj.core.api.Assertions.assertThat(w.query(io.k1s0.fault.metrics.PromQl.CANARY_REQUESTS))
                .contains("{reporter=\"destination\",destination_service_name=\"order-server\"}");
        org.assertj.core.api.Assertions.assertThat(w.query(io.k1s0.fault.metrics.PromQl.INJECTED_ABORTS))
                .contains("{reporter=\"source\",response_flags=~\"(.*,)?FI(,.*)?\",source_workload=\"order-bff\","
                        + "destination_service_name=\"order-server\"}");
    }

    @Test
    void badWindowInputNamesTheFieldAndTheAllowedValues() {
        assertThatThrownBy(() -> window().edge().edge("Order_BFF", "order-server"))
                .hasMessage("caller is 'Order_BFF'; allowed: a Kubernetes name (DNS-1123 label: lower-case letters, digits, '-')");
        assertThatThrownBy(() -> FaultWindow.of(io.k1s0.fault.metrics.MeshSnapshot.builder(Windows.START, Windows.END).build()).build())
                .hasMessageContaining("edge is not set");
        assertThatThrownBy(() -> assertThat(window().build()).p99().isBelow(millis(0)))
                .hasMessageContaining("threshold is PT0S; allowed: a positive duration");
    }

    static final String ABORT_FAILURE = """
            [abort fraction order-bff → order-server] FAIL: the 99 % Wilson interval of the observed abort fraction excludes the configured 5.00 %
            Expecting actual:
              10.00 % (400 of 4,000 requests; 99 % Wilson interval [8.84 %, 11.29 %])
            to be consistent with:
              5.00 % (± 1.00 %)
            Context:
              query:   (sum(istio_requests_total{reporter="source",response_flags=~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="source",response_flags=~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"} offset 60000ms) or vector(0))
                       (sum(istio_requests_total{reporter="source",source_workload="order-bff",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="source",source_workload="order-bff",destination_service_name="order-server"} offset 60000ms) or vector(0))
              window:  2026-11-23T01:00:00Z .. 2026-11-23T01:01:00Z (60.000 s)
              samples: 4,000 requests, 400 with FI
              label sets of istio_requests_total (2):
                {destination_service_name="order-server",reporter="source",response_code="200",response_flags="-",source_workload="order-bff"}
                {destination_service_name="order-server",reporter="source",response_code="503",response_flags="FI",source_workload="order-bff"}""";
    static final String ABORT_INCONCLUSIVE = """
            [abort fraction order-bff → order-server] INCONCLUSIVE: need ≥ 3,152 requests, had 800
            Plan:
              n = z² p(1−p) / tol² with z = 2.5758 (two-sided 99 %), p = 5.00 %, tol = ±1.00 % → 3,152 requests
            Observed:
              5.00 % (40 of 800 requests; 99 % Wilson interval [3.36 %, 7.38 %])
            Context:
              query:   (sum(istio_requests_total{reporter="source",response_flags=~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="source",response_flags=~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"} offset 60000ms) or vector(0))
                       (sum(istio_requests_total{reporter="source",source_workload="order-bff",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="source",source_workload="order-bff",destination_service_name="order-server"} offset 60000ms) or vector(0))
              window:  2026-11-23T01:00:00Z .. 2026-11-23T01:01:00Z (60.000 s)
              samples: 800 requests, 40 with FI
              label sets of istio_requests_total (2):
                {destination_service_name="order-server",reporter="source",response_code="200",response_flags="-",source_workload="order-bff"}
                {destination_service_name="order-server",reporter="source",response_code="503",response_flags="FI",source_workload="order-bff"}""";
    static final String ORGANIC_FAILURE = """
            [organic error rate order-bff → order-server] FAIL: even the lower 99 % bound 3.93 % is not below 1.00 %
            Expecting actual:
              5.00 % (100 of 2,000 requests; one-sided 99 % Clopper-Pearson bounds [3.93 %, 6.25 %])
            to be below:
              1.00 %
            Context:
              query:   (sum(istio_requests_total{reporter="source",response_code=~"5..",response_flags!~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="source",response_code=~"5..",response_flags!~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"} offset 60000ms) or vector(0))
                       (sum(istio_requests_total{reporter="source",response_flags!~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="source",response_flags!~"(.*,)?FI(,.*)?",source_workload="order-bff",destination_service_name="order-server"} offset 60000ms) or vector(0))
              window:  2026-11-23T01:00:00Z .. 2026-11-23T01:01:00Z (60.000 s)
              samples: 2,000 requests, 100 5xx; 5xx by response_flags {"-": 100, "FI": 100}
              note:    injected aborts (FI) are left out of both numerator and denominator
              label sets of istio_requests_total (3):
                {destination_service_name="order-server",reporter="source",response_code="200",response_flags="-",source_workload="order-bff"}
                {destination_service_name="order-server",reporter="source",response_code="500",response_flags="-",source_workload="order-bff"}
                {destination_service_name="order-server",reporter="source",response_code="503",response_flags="FI",source_workload="order-bff"}""";
    static final String P99_FAILURE = """
            [P99 order-bff → order-server] FAIL: the P99 from istio_request_duration_milliseconds buckets is not below 600.0 ms
            Expecting actual:
              950.0 ms (in bucket (500, 1000] ms)
            to be below:
              600.0 ms
            Context:
              query:   histogram_quantile(0.99, (sum by (le) (istio_request_duration_milliseconds_bucket{reporter="source",source_workload="order-bff",destination_service_name="order-server"}) - sum by (le) (istio_request_duration_milliseconds_bucket{reporter="source",source_workload="order-bff",destination_service_name="order-server"} offset 60000ms)) or sum by (le) (istio_request_duration_milliseconds_bucket{reporter="source",source_workload="order-bff",destination_service_name="order-server"}))
              window:  2026-11-23T01:00:00Z .. 2026-11-23T01:01:00Z (60.000 s)
              samples: 1,000 observations; buckets {le 50: 900, le 1000: 100}
              note:    the threshold 600.0 ms lies inside the bucket (500, 1000] ms: a P99 there is linear interpolation, not a measurement; compare the client-side P99 or add finer buckets (sidecar.istio.io/statsHistogramBuckets)
              note:    client-side P99 540.2 ms (HdrHistogram, 1,000 samples)
              label sets of istio_request_duration_milliseconds (1):
                {destination_service_name="order-server",reporter="source",source_workload="order-bff"}""";
    static final String CANARY_FAILURE = """
            [canary analysis order-server] FAIL: Flagger would count a failed check: request-success-rate gate fails
            Expecting actual:
              success 97.00 %, P99 49.8 ms
            to be meeting:
              success ≥ 99.00 %, P99 ≤ 500.0 ms
            Context:
              query:   (sum(istio_requests_total{reporter="destination",response_code!~"5.*",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="destination",response_code!~"5.*",destination_service_name="order-server"} offset 60000ms) or vector(0))
                       (sum(istio_requests_total{reporter="destination",destination_service_name="order-server"}) or vector(0)) - (sum(istio_requests_total{reporter="destination",destination_service_name="order-server"} offset 60000ms) or vector(0))
                       histogram_quantile(0.99, (sum by (le) (istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_name="order-server"}) - sum by (le) (istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_name="order-server"} offset 60000ms)) or sum by (le) (istio_request_duration_milliseconds_bucket{reporter="destination",destination_service_name="order-server"}))
              window:  2026-11-23T01:00:00Z .. 2026-11-23T01:01:00Z (60.000 s)
              samples: 1,000 requests, 30 5xx
              note:    reporter="destination" as Flagger's request-success-rate and request-duration: client-side injected aborts (FI) and delays (DI) never reach the server's sidecar, so this check cannot see them
              note:    configured faults (abort 5.00 %, delay 10.00 %) are not in these numbers
              label sets of istio_requests_total (2):
                {destination_service_name="order-server",reporter="destination",response_code="200",response_flags="-",source_workload="order-bff"}
                {destination_service_name="order-server",reporter="destination",response_code="500",response_flags="-",source_workload="order-bff"}""";
}
