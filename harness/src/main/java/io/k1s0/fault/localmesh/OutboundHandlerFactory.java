package io.k1s0.fault.localmesh;

import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Creates one sidecar's {@link OutboundHandler}: the data plane's constructor, e.g. {@code EnvoyOutbound::new}. */
@FunctionalInterface
interface OutboundHandlerFactory {

    OutboundHandler create(Vertx vertx, String callerWorkload, String callerNamespace, Supplier<MeshConfig> config, StatsSink stats);
}
