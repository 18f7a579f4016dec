package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Expected values follow Prometheus's documented histogram_quantile rules; the agreement test checks a real one. */
class HistogramQuantileTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    private static TreeMap<Double, Double> buckets(Object... boundCount) {
        TreeMap<Double, Double> m = new TreeMap<>();
        for (int i = 0; i < boundCount.length; i += 2) {
            m.put(((Number) boundCount[i]).doubleValue(), ((Number) boundCount[i + 1]).doubleValue());
        }
        return m;
    }

    private final TreeMap<Double, Double> istioLike = buckets(100, 50, 250, 90, 500, 99, 1000, 100, INF, 100);

    @Test
    void interpolatesLinearlyInsideTheBucketHoldingTheRank() {
        assertThat(HistogramQuantile.of(0.95, istioLike)).as("rank 95 in (250, 500]: 250 + 250 * 5/9")
                .isCloseTo(250 + 250 * 5.0 / 9, within(1e-9));
        assertThat(HistogramQuantile.of(0.99, istioLike)).as("rank 99 is the top of (250, 500]").isEqualTo(500.0);
    }

    @Test
    void firstBucketStartsAtZeroWhenItsUpperBoundIsPositive() {
        assertThat(HistogramQuantile.of(0.25, istioLike)).as("rank 25 of 50 in (0, 100]").isEqualTo(50.0);
    }

    @Test
    void firstBucketWithNonPositiveUpperBoundReturnsThatBound() {
        assertThat(HistogramQuantile.of(0.2, buckets(-1, 5, 0, 10, INF, 10))).isEqualTo(-1.0);
    }

    @Test
    void rankInTheInfBucketReturnsTheHighestFiniteBound() {
        assertThat(HistogramQuantile.of(0.9, buckets(1, 1, 2, 2, INF, 10))).isEqualTo(2.0);
    }

    @Test
    void missingInfBucketFewerThanTwoBucketsOrNoObservationsGiveNaN() {
        assertThat(HistogramQuantile.of(0.5, buckets(1, 1, 2, 2))).as("no +Inf").isNaN();
        assertThat(HistogramQuantile.of(0.5, buckets(INF, 5))).as("only +Inf").isNaN();
        assertThat(HistogramQuantile.of(0.5, buckets(1, 0, INF, 0))).as("no observations").isNaN();
        assertThat(HistogramQuantile.of(0.5, new TreeMap<>())).as("no buckets").isNaN();
        assertThat(HistogramQuantile.of(Double.NaN, istioLike)).as("q NaN").isNaN();
    }

    @Test
    void quantileOutsideZeroToOneIsInfinite() {
        assertThat(HistogramQuantile.of(-0.1, istioLike)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(HistogramQuantile.of(1.1, istioLike)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void nonMonotonicCountsAreLiftedToTheRunningMaximum() {
        assertThat(HistogramQuantile.of(0.5, buckets(1, 5, 2, 4, INF, 10)))
                .as("counts become 5,5,10; rank 5 is the top of (0, 1]").isEqualTo(1.0);
    }

    @Test
    void bucketsReportTheBucketHoldingAValue() {
        Buckets b = new Buckets(Map.of(250.0, 1.0, 500.0, 2.0, 1000.0, 3.0, INF, 3.0));
        assertThat(b.bucketOf(600)).containsExactly(500, 1000);
        assertThat(b.bucketOf(500)).as("bounds are inclusive above").containsExactly(250, 500);
        assertThat(b.bucketOf(10)).as("first bucket starts at 0").containsExactly(0, 250);
        assertThat(b.count()).isEqualTo(3.0);
    }
}
