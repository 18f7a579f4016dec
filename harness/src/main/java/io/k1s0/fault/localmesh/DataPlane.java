package io.k1s0.fault.localmesh;

/**
 * Which Envoy-semantics implementation the sidecars use. The data plane ({@code EnvoyOutbound}) is written
 * on a parallel branch; wiring it is this one line: {@code static final OutboundHandlerFactory DEFAULT = EnvoyOutbound::new;}
 */
final class DataPlane {

    static final OutboundHandlerFactory DEFAULT = (vertx, workload, namespace, config, stats) -> {
        throw new IllegalStateException("the local mesh has no data plane wired: DataPlane.DEFAULT must be EnvoyOutbound::new");
    };

    private DataPlane() {}
}
