package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRetry;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A route's retry policy as Envoy holds it after Istio 1.24 translated {@code HTTPRoute.retries}
 * (pilot route/retry/retry.go): absent {@code retries} gives Istio's default, {@code attempts <= 0} none.
 */
record RetryPolicy(int numRetries, Set<String> retryOn, Set<Integer> retriableStatusCodes, Duration perTryTimeout, boolean previousHosts) {

    /** Istio 1.24 default: EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY=true, so no 503 in the status codes. */
    static final String ISTIO_DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";

    static final Set<String> HTTP_TOKENS = Set.of("5xx", "gateway-error", "reset", "reset-before-request", "connect-failure",
            "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
            "http3-post-connect-failure");

    /** gRPC policies match only a {@code grpc-status} in response headers, as Envoy does. */
    static final Map<String, Integer> GRPC_TOKENS = Map.of(
            "cancelled", 1, "deadline-exceeded", 4, "resource-exhausted", 8, "internal", 13, "unavailable", 14);

    static final RetryPolicy NONE = new RetryPolicy(0, Set.of(), Set.of(), null, false);

    // Immutable, and every request of a host without retries settings uses it: built once.
    private static final RetryPolicy ISTIO_DEFAULT = new RetryPolicy(2, parseTokens(ISTIO_DEFAULT_RETRY_ON, new LinkedHashSet<>()), Set.of(), null, true);

    /** How an upstream attempt ended without a response. */
    enum Reset { CONNECT_FAILURE, CONNECTION_TERMINATION }

    RetryPolicy {
        retryOn = Set.copyOf(retryOn);
        retriableStatusCodes = Set.copyOf(retriableStatusCodes);
    }

    static RetryPolicy istioDefault() {
        return ISTIO_DEFAULT;
    }

    static RetryPolicy of(HTTPRetry retries) {
        if (retries == null) {
            return istioDefault();
        }
        int attempts = retries.getAttempts() == null ? 0 : retries.getAttempts();
        if (attempts <= 0) {
            return NONE;
        }
        Set<Integer> codes = new LinkedHashSet<>();
        Set<String> tokens = retries.getRetryOn() == null || retries.getRetryOn().isBlank()
                ? parseTokens(ISTIO_DEFAULT_RETRY_ON, codes)
                : parseTokens(retries.getRetryOn(), codes);
        Duration perTry = IstioDurations.parse("retries.perTryTimeout", retries.getPerTryTimeout());
        boolean previousHosts = !Boolean.FALSE.equals(retries.getRetryIgnorePreviousHosts());
        return new RetryPolicy(attempts, tokens, codes, perTry == null || perTry.isZero() ? null : perTry, previousHosts);
    }

    /** Numeric tokens become retriable status codes and switch on {@code retriable-status-codes}, as Istio does. */
    private static Set<String> parseTokens(String retryOn, Set<Integer> codes) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String raw : retryOn.split(",")) {
            String token = raw.trim().toLowerCase(Locale.ROOT);
            if (token.isEmpty()) {
                continue;
            }
            if (token.chars().allMatch(Character::isDigit)) {
                codes.add(Integer.parseInt(token));
                tokens.add("retriable-status-codes");
            } else if (HTTP_TOKENS.contains(token) || GRPC_TOKENS.containsKey(token)) {
                tokens.add(token);
            } else {
                throw new IllegalArgumentException("retries.retryOn = '" + retryOn + "' has unknown policy '" + token
                        + "'; allowed: HTTP status codes, " + String.join(", ", new TreeSet<>(HTTP_TOKENS)) + ", "
                        + String.join(", ", new TreeSet<>(GRPC_TOKENS.keySet())));
            }
        }
        return tokens;
    }

    boolean enabled() {
        return numRetries > 0;
    }

    boolean retriesResponse(int status, MultiMap headers) {
        if (status >= 500 && status <= 599 && retryOn.contains("5xx")) {
            return true;
        }
        if ((status == 502 || status == 503 || status == 504) && retryOn.contains("gateway-error")) {
            return true;
        }
        if (status == 409 && retryOn.contains("retriable-4xx")) {
            return true;
        }
        if (retryOn.contains("retriable-status-codes") && retriableStatusCodes.contains(status)) {
            return true;
        }
        if (retryOn.contains("envoy-ratelimited") && headers.contains("x-envoy-ratelimited")) {
            return true;
        }
        String grpcStatus = headers.get("grpc-status");
        if (grpcStatus != null) {
            for (String token : retryOn) {
                Integer code = GRPC_TOKENS.get(token);
                if (code != null && grpcStatus.trim().equals(code.toString())) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean retriesReset(Reset reset) {
        if (retryOn.contains("5xx") || retryOn.contains("gateway-error") || retryOn.contains("reset")) {
            return true;
        }
        // A connect failure happens before the request is sent, so reset-before-request covers it too.
        return reset == Reset.CONNECT_FAILURE && (retryOn.contains("connect-failure") || retryOn.contains("reset-before-request"));
    }

    /** Envoy retries a per-try timeout only with 5xx or gateway-error (retry_state_impl.cc). */
    boolean retriesPerTryTimeout() {
        return retryOn.contains("5xx") || retryOn.contains("gateway-error");
    }
}
