package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CatalogueAgreementTest {

    private static final Selector EDGE = Selector.all().eq("source_workload", "order-bff");
    private static final Map<String, String> SOURCE = Map.of("reporter", "source", "source_workload", "order-bff");

    private static MeshSnapshot window(Map<Double, Double> cumulative) {
        Instant t = Instant.parse("2026-11-26T00:00:00Z");
        return MeshSnapshot.builder(t, t.plusSeconds(10)).addHistogram(MeshMetric.REQUEST_DURATION, SOURCE, cumulative).build();
    }

    @Test
    void p99sInDifferentBucketsAreCaughtNamingBothBuckets() {
        // 100 observations: 2 above 250 ms puts P99 in (250, 500]; 0 above 250 puts it in (100, 250]
        MeshSnapshot slow = window(Map.of(100.0, 90.0, 250.0, 98.0, 500.0, 100.0, Double.POSITIVE_INFINITY, 100.0));
        MeshSnapshot fast = window(Map.of(100.0, 90.0, 250.0, 100.0, 500.0, 100.0, Double.POSITIVE_INFINITY, 100.0));

        assertThatThrownBy(() -> CatalogueAgreement.assertSameBucket(PromQl.LATENCY_P99, slow, fast, EDGE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("LATENCY_P99: bucket (lower, upper]")
                .hasMessageContaining("[250.0, 500.0]").hasMessageContaining("[100.0, 250.0]");
    }

    @Test
    void p99sInTheSameBucketAgreeEvenWhenTheirValuesDiffer() {
        MeshSnapshot a = window(Map.of(100.0, 90.0, 250.0, 98.0, 500.0, 100.0, Double.POSITIVE_INFINITY, 100.0));
        MeshSnapshot b = window(Map.of(100.0, 90.0, 250.0, 97.0, 500.0, 100.0, Double.POSITIVE_INFINITY, 100.0));

        assertThatCode(() -> CatalogueAgreement.assertSameBucket(PromQl.LATENCY_P99, a, b, EDGE))
                .as("P99 375 ms and 416.7 ms both lie in (250, 500]").doesNotThrowAnyException();
    }
}
