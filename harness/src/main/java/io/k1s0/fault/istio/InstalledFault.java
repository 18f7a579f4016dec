package io.k1s0.fault.istio;

import java.time.Instant;
import java.util.List;

/**
 * What one install put into the cluster: enough to remove it exactly and to prove the removal restored the spec.
 *
 * @param dedicated true when the VirtualService was created for the fault (the host had none)
 * @param specHashBefore {@link SpecFingerprint} of the spec before the install; null for a dedicated VirtualService
 */
public record InstalledFault(String runId, String namespace, String virtualService, boolean dedicated,
                             List<String> routeNames, Instant expiresAt, String specHashBefore) {
    public InstalledFault {
        routeNames = List.copyOf(routeNames);
    }
}
