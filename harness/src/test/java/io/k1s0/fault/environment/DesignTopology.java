package io.k1s0.fault.environment;

import io.k1s0.fault.localmesh.WorkloadSpec;
import java.util.List;
import java.util.Map;

/**
 * The shape of example-tests' {@code k1s0-design-topology.yaml} (kong in ingress, two replicas per server), so
 * the IT builds the cluster the example tests then reuse.
 */
final class DesignTopology {

    static final List<WorkloadSpec> WORKLOADS = List.of(
            WorkloadSpec.of("kong", "ingress"),
            WorkloadSpec.of("order-bff", "k1s0-service"),
            WorkloadSpec.of("order-server", "k1s0-service").withLabels(Map.of("version", "stable")).withReplicas(2),
            WorkloadSpec.of("order-server-canary", "k1s0-service")
                    .withLabels(Map.of("app", "order-server", "version", "canary")).withService("order-server", 80)
                    .withReplicas(2),
            WorkloadSpec.of("accounting-server", "k1s0-business").withReplicas(2),
            WorkloadSpec.of("auth-server", "k1s0-system").withReplicas(2));

    private DesignTopology() {
    }
}
