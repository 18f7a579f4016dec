package io.k1s0.fault.localmesh;

/** Which Envoy-semantics implementation the sidecars use: the emulated Envoy outbound path. */
final class DataPlane {

    static final OutboundHandlerFactory DEFAULT = EnvoyOutbound::new;

    private DataPlane() {}
}
