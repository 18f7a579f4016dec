package io.k1s0.fault.localmesh;

import io.vertx.core.MultiMap;
import java.util.Set;

/** Connection-level headers a proxy must not forward (RFC 9110 section 7.6.1, plus the proxy ones). */
final class HopByHop {
    private static final Set<String> NAMES = Set.of(
            "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
            "te", "trailer", "transfer-encoding", "upgrade", "content-length");

    private HopByHop() {}

    static MultiMap strip(MultiMap headers) {
        MultiMap copy = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(e -> {
            if (!NAMES.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                copy.add(e.getKey(), e.getValue());
            }
        });
        return copy;
    }
}
