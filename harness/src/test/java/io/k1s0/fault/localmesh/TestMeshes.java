package io.k1s0.fault.localmesh;

/** Test fixture: a local mesh builder whose sidecars use the test-only {@link FirstEndpointOutbound}. */
public final class TestMeshes {
    private TestMeshes() {}

    public static LocalMesh.Builder withForwardingDataPlane(LocalMesh.Builder builder) {
        return builder.dataPlane(FirstEndpointOutbound::new);
    }
}
