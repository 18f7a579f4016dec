package io.k1s0.fault.localmesh;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * The Envoy semantics of one sidecar's outbound side: given an absolute-URI request from the local app,
 * route it per the current {@link MeshConfig} (faults, routes, retries, timeouts, load balancing, pools,
 * outlier detection, mirroring) and complete with what the caller receives. The sidecar's HTTP listener
 * and telemetry wrap this; they know nothing of routing.
 */
interface OutboundHandler {

    /** {@code headers} belong to the handler from this call on: it may change and forward them without a copy. */
    Future<ProxiedExchange> handle(HttpMethod method, String host, int port, String pathAndQuery, MultiMap headers, Buffer body);

    /** Releases what the handler holds (upstream connections, timers); the sidecar calls it after its listeners closed. */
    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
