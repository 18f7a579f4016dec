package io.k1s0.fault.istio;

import io.fabric8.istio.api.networking.v1.VirtualService;
import java.util.Optional;

/**
 * What one removal did to one VirtualService: the routes it took out, and the VirtualService as it was written back
 * ({@code standing}) or as it was when deleted ({@code deleted}); both empty when nothing of the run was there.
 */
public record FaultRemoval(int routesRemoved, Optional<VirtualService> standing, Optional<VirtualService> deleted) {

    static final FaultRemoval NOTHING = new FaultRemoval(0, Optional.empty(), Optional.empty());
}
