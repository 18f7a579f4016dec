package io.k1s0.fault.localmesh;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/** Connection-level headers a proxy must not forward (RFC 9110 section 7.6.1, plus the proxy ones). */
final class HopByHop {
    private HopByHop() {}

    /**
     * Case-insensitive, without lower-casing a copy: this runs for every header of every request and response, so
     * the name's length picks the one or two candidates to compare.
     */
    static boolean is(String name) {
        return switch (name.length()) {
            case 2 -> "te".equalsIgnoreCase(name);
            case 7 -> "trailer".equalsIgnoreCase(name) || "upgrade".equalsIgnoreCase(name);
            case 10 -> "connection".equalsIgnoreCase(name) || "keep-alive".equalsIgnoreCase(name);
            case 14 -> "content-length".equalsIgnoreCase(name);
            case 16 -> "proxy-connection".equalsIgnoreCase(name);
            case 17 -> "transfer-encoding".equalsIgnoreCase(name);
            case 18 -> "proxy-authenticate".equalsIgnoreCase(name);
            case 19 -> "proxy-authorization".equalsIgnoreCase(name);
            default -> false;
        };
    }

    /** Removes them from {@code headers} in place and returns it; the proxy owns the maps it forwards. */
    static MultiMap removeFrom(MultiMap headers) {
        List<String> found = null;
        for (var e : headers) {
            if (is(e.getKey())) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(e.getKey());
            }
        }
        if (found != null) {
            found.forEach(headers::remove);
        }
        return headers;
    }
}
