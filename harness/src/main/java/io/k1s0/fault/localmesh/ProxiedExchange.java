package io.k1s0.fault.localmesh;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Set;

/**
 * What one outbound request through a sidecar ended as, for the caller and for telemetry.
 *
 * @param status the status code the caller receives
 * @param headers response headers the caller receives
 * @param body response body the caller receives
 * @param responseFlags Envoy short response flags, e.g. {@code DI}, {@code FI}, {@code UO}, {@code UH}, {@code URX}; empty means "-"
 * @param service the destination service, or null when the host did not resolve (flag {@code NR})
 * @param endpoint the upstream replica that produced the final response, or null when none did (local reply)
 * @param attempts how many upstream attempts were made (0 for a local reply such as an injected abort)
 * @param durationNanos from the request's arrival at the sidecar to the response, including injected delay
 */
record ProxiedExchange(
        int status,
        MultiMap headers,
        Buffer body,
        Set<String> responseFlags,
        ServiceTarget service,
        Endpoint endpoint,
        int attempts,
        long durationNanos) {

    /** The {@code response_flags} label value as Istio renders it: comma-joined in Envoy's order, or "-". */
    String responseFlagsLabel() {
        if (responseFlags.isEmpty()) {
            return "-";
        }
        return ResponseFlags.render(responseFlags);
    }
}
