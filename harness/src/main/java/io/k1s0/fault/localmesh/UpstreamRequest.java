package io.k1s0.fault.localmesh;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * The request as the router forwards it: hop-by-hop headers removed, {@code authority} is the Host the
 * caller used (Envoy keeps it), {@code headers} already carry {@code x-request-id}.
 */
record UpstreamRequest(HttpMethod method, String authority, String pathAndQuery, MultiMap headers, Buffer body) {

    /** Envoy's shadow host: {@code -shadow} goes after the host name, before any port (shadow_writer_impl.cc). */
    String shadowAuthority() {
        int colon = authority.lastIndexOf(':');
        if (colon > 0 && authority.indexOf(']') < colon) {
            return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
        }
        return authority + "-shadow";
    }
}
