package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
    private static final long S = 1_000_000_000L;
    private final RecordingStats stats = new RecordingStats();
    private final OutlierDetector detector = new OutlierDetector("c", stats);

    private void config(int consecutive5xx, int maxPercent) {
        detector.update(new ClusterPolicy.OutlierConfig(consecutive5xx, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), maxPercent, 0),
                List.of("h1", "h2", "h3"), 0);
    }

    private void errors(String host, int n, long at) {
        for (int i = 0; i < n; i++) {
            detector.record(host, 503, at);
        }
    }

    @Test
    void aSuccessResetsTheConsecutiveCount() {
        config(3, 100);

        errors("h1", 2, 0);
        detector.record("h1", 200, 0);
        errors("h1", 2, 0);

        assertThat(detector.isEjected("h1")).as("2 errors, success, 2 errors").isFalse();
        errors("h1", 1, 0);
        assertThat(detector.isEjected("h1")).isTrue();
    }

    @Test
    void backOffMultiplierDecaysAfterAHealthyIntervalSoTheNextEjectionIsShortAgain() {
        config(1, 100);
        errors("h1", 1, 0);
        detector.advance(30 * S);
        errors("h1", 1, 30 * S);
        detector.advance(90 * S);
        assertThat(detector.isEjected("h1")).as("second ejection (60 s) ended at the 90 s sweep").isFalse();

        // Healthy sweeps at 100 s and 110 s decay the multiplier 2 -> 0, so the next ejection counts as a first one (30 s).
        detector.advance(110 * S);
        errors("h1", 1, 110 * S);
        detector.advance(140 * S);
        assertThat(detector.isEjected("h1")).as("third ejection lasts base again after decay").isFalse();
    }

    @Test
    void ejectionBeyondMaxEjectionPercentIsCountedAsOverflow() {
        config(1, 40);

        errors("h1", 1, 0);
        errors("h2", 1, 0);

        assertThat(detector.isEjected("h1")).isTrue();
        assertThat(detector.isEjected("h2")).as("2 of 3 = 67% > 40%").isFalse();
        assertThat(stats.counter("c", "outlier_detection_ejections_overflow")).isEqualTo(1);
        assertThat(stats.counter("c", "outlier_detection_ejections_detected_consecutive_5xx")).isEqualTo(2);
    }

    @Test
    void removingTheOutlierBlockReturnsEveryHost() {
        config(1, 100);
        errors("h1", 1, 0);

        detector.update(null, List.of("h1", "h2", "h3"), 0);

        assertThat(detector.isEjected("h1")).isFalse();
        assertThat(stats.gauge("c", "outlier_detection_ejections_active")).isZero();
    }
}
