package io.k1s0.fault.localmesh;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Envoy's short response flags in the order Envoy renders them (its flag enum order). */
final class ResponseFlags {
    static final String DELAY_INJECTED = "DI";
    static final String FAULT_INJECTED = "FI";
    static final String UPSTREAM_OVERFLOW = "UO";
    static final String NO_HEALTHY_UPSTREAM = "UH";
    static final String RETRY_LIMIT_EXCEEDED = "URX";
    static final String UPSTREAM_REQUEST_TIMEOUT = "UT";
    static final String UPSTREAM_CONNECTION_FAILURE = "UF";
    static final String UPSTREAM_CONNECTION_TERMINATION = "UC";
    static final String UPSTREAM_REMOTE_RESET = "UR";
    static final String NO_ROUTE_FOUND = "NR";
    static final String NO_CLUSTER_FOUND = "NC";

    // Envoy's ResponseFlag enum order (source/common/stream_info/utility.h) decides the join order.
    private static final List<String> ORDER = List.of(
            "LH", "UH", "UT", "LR", "UR", "UF", "UC", "UO", "NR", "DI", "FI", "RL", "UAEX", "RLSE", "DC", "URX");

    private ResponseFlags() {}

    static String render(Set<String> flags) {
        return flags.stream()
                .sorted((a, b) -> Integer.compare(rank(a), rank(b)))
                .collect(Collectors.joining(","));
    }

    private static int rank(String flag) {
        int i = ORDER.indexOf(flag);
        return i < 0 ? ORDER.size() : i;
    }
}
