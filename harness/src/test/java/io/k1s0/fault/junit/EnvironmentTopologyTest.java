package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k1s0.fault.environment.EnvironmentKind;
import io.k1s0.fault.localmesh.WorkloadSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** Which topology each environment kind is started with: k3s runs the test's topology as the local mesh does. */
class EnvironmentTopologyTest {

    private static final String ORIGIN = "@MeshFaultTest on SomeTest";

    @Test
    void k3sGetsTheTopologyTheTestNames() {
        assertThat(MeshRun.topology(EnvironmentKind.K3S, ORIGIN, "classpath:junit/topology.yaml"))
                .as("k3s workloads from the named topology").isNotEmpty()
                .allSatisfy(spec -> assertThat(spec).isInstanceOf(WorkloadSpec.class));
    }

    @Test
    void k3sWithoutATopologyRunsItsExampleChain() {
        assertThat(MeshRun.topology(EnvironmentKind.K3S, ORIGIN, "")).as("empty: the k3s example chain").isEmpty();
    }

    @Test
    void localWithoutATopologyIsStillAConfigurationError() {
        assertThatThrownBy(() -> MeshRun.topology(EnvironmentKind.LOCAL, ORIGIN, ""))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("workloads is ''; allowed: classpath:<file> or file:<path>");
    }

    @Test
    void k3sWithABrokenTopologyFailsBeforeAnyContainerStarts() {
        assertThatThrownBy(() -> MeshRun.topology(EnvironmentKind.K3S, ORIGIN, "classpath:junit/broken.yaml"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("expected a top-level 'workloads:' list");
    }
}
