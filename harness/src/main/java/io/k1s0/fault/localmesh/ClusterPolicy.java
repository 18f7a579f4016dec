package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsHTTPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.ConnectionPoolSettingsTCPSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettings;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimple;
import io.fabric8.istio.api.api.networking.v1alpha3.LoadBalancerSettingsSimpleLB;
import io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import java.time.Duration;

/**
 * The Envoy cluster settings one DestinationRule traffic policy (top level, or merged with a subset's
 * override) turns into, with Istio's defaults (pilot cluster_traffic_policy.go).
 */
record ClusterPolicy(Lb lb, PoolLimits pool, OutlierConfig outlier, Duration connectTimeout) {

    enum Lb { LEAST_REQUEST, ROUND_ROBIN, RANDOM }

    /** Istio's circuit-breaker thresholds; it overrides Envoy's defaults with 2^32−1. Values ≤ 0 mean unset. */
    record PoolLimits(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries, int maxRequestsPerConnection) {
        static final long UNLIMITED = 4_294_967_295L;
        static final PoolLimits DEFAULT = new PoolLimits(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, 0);
    }

    /**
     * Outlier detection when the DestinationRule has the block. consecutive5xx defaults to Envoy's 5;
     * gateway-error ejection only when set (Envoy enforces it at 0 % by default); minHealthPercent 0 turns
     * panic mode off; max_ejection_time stays Envoy's 300 s.
     */
    record OutlierConfig(int consecutive5xx, int consecutiveGateway, Duration interval, Duration baseEjectionTime,
            int maxEjectionPercent, int minHealthPercent) {
        static final Duration MAX_EJECTION_TIME = Duration.ofSeconds(300);

        Duration maxEjectionTime() {
            return baseEjectionTime.compareTo(MAX_EJECTION_TIME) > 0 ? baseEjectionTime : MAX_EJECTION_TIME;
        }
    }

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final ClusterPolicy DEFAULT = new ClusterPolicy(Lb.LEAST_REQUEST, PoolLimits.DEFAULT, null, DEFAULT_CONNECT_TIMEOUT);

    /** Subset-level fields replace the top-level ones field by field, as Istio merges them. */
    static ClusterPolicy of(TrafficPolicy top, TrafficPolicy subset) {
        LoadBalancerSettings lb = pick(subset == null ? null : subset.getLoadBalancer(), top == null ? null : top.getLoadBalancer());
        ConnectionPoolSettings pool = pick(subset == null ? null : subset.getConnectionPool(), top == null ? null : top.getConnectionPool());
        OutlierDetection outlier = pick(subset == null ? null : subset.getOutlierDetection(), top == null ? null : top.getOutlierDetection());
        Duration connectTimeout = pool == null || pool.getTcp() == null ? null
                : IstioDurations.parse("trafficPolicy.connectionPool.tcp.connectTimeout", pool.getTcp().getConnectTimeout());
        return new ClusterPolicy(lb(lb), limits(pool), outlier(outlier),
                connectTimeout == null || connectTimeout.isZero() ? DEFAULT_CONNECT_TIMEOUT : connectTimeout);
    }

    private static <T> T pick(T override, T base) {
        return override != null ? override : base;
    }

    private static Lb lb(LoadBalancerSettings settings) {
        if (settings == null || !(settings.getLbPolicy() instanceof LoadBalancerSettingsSimple simple) || simple.getSimple() == null) {
            return Lb.LEAST_REQUEST;
        }
        LoadBalancerSettingsSimpleLB value = simple.getSimple();
        if (value == LoadBalancerSettingsSimpleLB.ROUND_ROBIN) {
            return Lb.ROUND_ROBIN;
        }
        if (value == LoadBalancerSettingsSimpleLB.RANDOM) {
            return Lb.RANDOM;
        }
        if (value == LoadBalancerSettingsSimpleLB.LEAST_REQUEST || value == LoadBalancerSettingsSimpleLB.LEAST_CONN
                || value == LoadBalancerSettingsSimpleLB.UNSPECIFIED) {
            return Lb.LEAST_REQUEST;
        }
        throw new IllegalArgumentException("trafficPolicy.loadBalancer.simple = " + value
                + " is not emulated by the local mesh; allowed: LEAST_REQUEST, LEAST_CONN, ROUND_ROBIN, RANDOM, UNSPECIFIED");
    }

    private static PoolLimits limits(ConnectionPoolSettings pool) {
        if (pool == null) {
            return PoolLimits.DEFAULT;
        }
        ConnectionPoolSettingsTCPSettings tcp = pool.getTcp();
        ConnectionPoolSettingsHTTPSettings http = pool.getHttp();
        return new PoolLimits(
                positiveOr(tcp == null ? null : tcp.getMaxConnections()),
                positiveOr(http == null ? null : http.getHttp1MaxPendingRequests()),
                positiveOr(http == null ? null : http.getHttp2MaxRequests()),
                positiveOr(http == null ? null : http.getMaxRetries()),
                http == null || http.getMaxRequestsPerConnection() == null ? 0 : Math.max(0, http.getMaxRequestsPerConnection()));
    }

    private static long positiveOr(Integer value) {
        return value == null || value <= 0 ? PoolLimits.UNLIMITED : value;
    }

    private static OutlierConfig outlier(OutlierDetection od) {
        if (od == null) {
            return null;
        }
        int consecutive5xx = od.getConsecutive5xxErrors() == null ? 5 : od.getConsecutive5xxErrors();
        // The deprecated consecutiveErrors maps to gateway failures; consecutiveGatewayErrors wins when both are set.
        Integer gateway = od.getConsecutiveGatewayErrors() != null ? od.getConsecutiveGatewayErrors() : od.getConsecutiveErrors();
        Duration interval = durationOr("trafficPolicy.outlierDetection.interval", od.getInterval(), Duration.ofSeconds(10));
        Duration base = durationOr("trafficPolicy.outlierDetection.baseEjectionTime", od.getBaseEjectionTime(), Duration.ofSeconds(30));
        int maxPercent = od.getMaxEjectionPercent() == null || od.getMaxEjectionPercent() <= 0 ? 10 : Math.min(100, od.getMaxEjectionPercent());
        int minHealth = od.getMinHealthPercent() == null ? 0 : od.getMinHealthPercent();
        return new OutlierConfig(Math.max(0, consecutive5xx), gateway == null ? 0 : Math.max(0, gateway), interval, base, maxPercent, minHealth);
    }

    private static Duration durationOr(String field, String text, Duration fallback) {
        Duration d = IstioDurations.parse(field, text);
        return d == null || d.isZero() ? fallback : d;
    }
}
