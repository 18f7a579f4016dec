package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClusterStatsAtCreationTest {

    @Test
    void aNewClusterExportsItsRetryAndEjectionCountersAtZeroLikeEnvoy() {
        RecordingStats stats = new RecordingStats();
        String cluster = "outbound|80|canary|order-server.k1s0-service.svc.cluster.local";

        new UpstreamCluster(cluster, stats, System::nanoTime, new SplittableRandom(1));

        for (String counter : UpstreamCluster.ZERO_AT_CREATION) {
            assertThat(stats.hasCounter(cluster, counter))
                    .as("counter %s exists from the cluster's creation, so increase() can see its first event", counter)
                    .isTrue();
            assertThat(stats.counter(cluster, counter)).as(counter).isZero();
        }
        assertThat(stats.hasGauge(cluster, "outlier_detection_ejections_active")).as("ejections_active gauge").isTrue();
    }
}
