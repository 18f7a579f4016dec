package io.k1s0.fault.localmesh;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/** Connection-level headers a proxy must not forward (RFC 9110 section 7.6.1, plus the proxy ones). */
final class HopByHop {
    private static final String[] NAMES = {
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
        "te", "trailer", "transfer-encoding", "upgrade", "content-length"
    };

    private HopByHop() {}

    /** Case-insensitive, without lower-casing a copy: this runs for every header of every request. */
    static boolean is(String name) {
        for (String n : NAMES) {
            if (n.equalsIgnoreCase(name)) {   // compares lengths first, allocates nothing
                return true;
            }
        }
        return false;
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
