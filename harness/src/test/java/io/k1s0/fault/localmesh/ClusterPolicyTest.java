package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterPolicyTest {

    private static TrafficPolicy tp(String yaml) {
        return Serialization.unmarshal("--- " + yaml, TrafficPolicy.class);
    }

    @Test
    void withoutDestinationRuleIstioDefaultsApply() {
        ClusterPolicy p = ClusterPolicy.of(null, null);

        assertThat(p.lb()).isEqualTo(ClusterPolicy.Lb.LEAST_REQUEST);
        assertThat(p.pool()).isEqualTo(ClusterPolicy.PoolLimits.DEFAULT);
        assertThat(p.outlier()).as("no outlier block, no ejection").isNull();
    }

    @Test
    void anEmptyOutlierBlockGetsEnvoyDefaultsAndPanicModeOff() {
        ClusterPolicy.OutlierConfig o = ClusterPolicy.of(tp("{outlierDetection: {}}"), null).outlier();

        assertThat(o.consecutive5xx()).isEqualTo(5);
        assertThat(o.consecutiveGateway()).as("gateway ejection off unless set").isZero();
        assertThat(o.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxEjectionPercent()).isEqualTo(10);
        assertThat(o.minHealthPercent()).as("Istio's healthy_panic_threshold when minHealthPercent is unset").isZero();
        assertThat(o.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void subsetFieldsReplaceTopLevelFieldsOneByOne() {
        ClusterPolicy p = ClusterPolicy.of(
                tp("{loadBalancer: {simple: ROUND_ROBIN}, connectionPool: {tcp: {maxConnections: 7}}}"),
                tp("{connectionPool: {http: {http1MaxPendingRequests: 3}}}"));

        assertThat(p.lb()).as("inherited").isEqualTo(ClusterPolicy.Lb.ROUND_ROBIN);
        assertThat(p.pool().maxPendingRequests()).isEqualTo(3);
        assertThat(p.pool().maxConnections()).as("the whole connectionPool block is replaced").isEqualTo(ClusterPolicy.PoolLimits.UNLIMITED);
    }

    @Test
    void unsupportedLoadBalancerIsAClearError() {
        assertThatThrownBy(() -> ClusterPolicy.of(tp("{loadBalancer: {simple: PASSTHROUGH}}"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trafficPolicy.loadBalancer.simple = PASSTHROUGH")
                .hasMessageContaining("ROUND_ROBIN");
    }

    @Test
    void badDurationIsAClearError() {
        assertThatThrownBy(() -> ClusterPolicy.of(tp("{outlierDetection: {interval: soon}}"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trafficPolicy.outlierDetection.interval = 'soon'");
        assertThat(IstioDurations.parse("x", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(IstioDurations.parse("x", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(IstioDurations.parse("x", "250ms")).isEqualTo(Duration.ofMillis(250));
    }
}
