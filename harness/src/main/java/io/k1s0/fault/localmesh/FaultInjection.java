package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjection;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbort;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortGrpcStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionAbortHttpStatus;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPFaultInjectionDelayFixedDelay;
import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * A route's fault as Envoy's fault filter holds it after Istio's translation: percentages become parts per
 * million ({@code value × 10 000}, truncated); a missing percentage is 0 %, so nothing is injected.
 */
record FaultInjection(Duration delay, int delayPerMillion, Integer abortHttpStatus, Integer abortGrpcStatus, int abortPerMillion) {

    static final int MILLION = 1_000_000;

    private static final Map<String, Integer> GRPC_CODES = Map.ofEntries(
            Map.entry("OK", 0), Map.entry("CANCELLED", 1), Map.entry("UNKNOWN", 2), Map.entry("INVALID_ARGUMENT", 3),
            Map.entry("DEADLINE_EXCEEDED", 4), Map.entry("NOT_FOUND", 5), Map.entry("ALREADY_EXISTS", 6),
            Map.entry("PERMISSION_DENIED", 7), Map.entry("RESOURCE_EXHAUSTED", 8), Map.entry("FAILED_PRECONDITION", 9),
            Map.entry("ABORTED", 10), Map.entry("OUT_OF_RANGE", 11), Map.entry("UNIMPLEMENTED", 12), Map.entry("INTERNAL", 13),
            Map.entry("UNAVAILABLE", 14), Map.entry("DATA_LOSS", 15), Map.entry("UNAUTHENTICATED", 16));

    static final FaultInjection NONE = new FaultInjection(null, 0, null, null, 0);

    static FaultInjection of(HTTPFaultInjection fault) {
        if (fault == null) {
            return NONE;
        }
        Duration delay = null;
        int delayPerMillion = 0;
        HTTPFaultInjectionDelay d = fault.getDelay();
        // Istio drops exponentialDelay with a warning; only fixedDelay reaches Envoy.
        if (d != null && d.getHttpDelayType() instanceof HTTPFaultInjectionDelayFixedDelay fixed) {
            delay = IstioDurations.parse("fault.delay.fixedDelay", fixed.getFixedDelay());
            delayPerMillion = d.getPercentage() != null ? perMillion("fault.delay.percentage", d.getPercentage())
                    : d.getPercent() != null ? legacyPercent(d.getPercent()) : 0;
        }
        Integer httpStatus = null;
        Integer grpcStatus = null;
        int abortPerMillion = 0;
        HTTPFaultInjectionAbort a = fault.getAbort();
        if (a != null) {
            if (a.getErrorType() instanceof HTTPFaultInjectionAbortHttpStatus http) {
                httpStatus = http.getHttpStatus();
                if (httpStatus == null || httpStatus < 200 || httpStatus > 599) {
                    throw new IllegalArgumentException("fault.abort.httpStatus = " + httpStatus + " is out of range; allowed: 200..599");
                }
            } else if (a.getErrorType() instanceof HTTPFaultInjectionAbortGrpcStatus grpc) {
                grpcStatus = GRPC_CODES.get(grpc.getGrpcStatus());
                if (grpcStatus == null) {
                    throw new IllegalArgumentException("fault.abort.grpcStatus = '" + grpc.getGrpcStatus()
                            + "' is not a gRPC status name; allowed: " + new TreeSet<>(GRPC_CODES.keySet()));
                }
            }
            abortPerMillion = a.getPercentage() == null ? 0 : perMillion("fault.abort.percentage", a.getPercentage());
        }
        return new FaultInjection(delay, delay == null ? 0 : delayPerMillion, httpStatus, grpcStatus,
                httpStatus == null && grpcStatus == null ? 0 : abortPerMillion);
    }

    private static int perMillion(String field, Percent percent) {
        double value = percent.getValue() == null ? 0 : percent.getValue();
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException(field + " = " + value + " is out of range; allowed: 0..100");
        }
        return (int) (value * 10_000);
    }

    private static int legacyPercent(int percent) {
        return Math.max(0, Math.min(100, percent)) * 10_000;
    }

    /** Envoy draws {@code random % denominator < numerator}; one independent draw per call. */
    boolean delayFires(RandomGenerator random) {
        return delay != null && delayPerMillion > 0 && random.nextInt(MILLION) < delayPerMillion;
    }

    boolean abortFires(RandomGenerator random) {
        return abortPerMillion > 0 && random.nextInt(MILLION) < abortPerMillion;
    }
}
