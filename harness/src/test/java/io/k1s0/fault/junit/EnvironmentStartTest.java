package io.k1s0.fault.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k1s0.fault.environment.EnvironmentKind;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.opentest4j.TestAbortedException;

/** What each environment kind needs before it starts: k3s runs the test's topology as the local mesh does, and Docker. */
class EnvironmentStartTest {

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
    void k3sWithoutDockerIsSkippedWithTheReason() {
        assertThatThrownBy(() -> MeshRun.requireDocker(EnvironmentKind.K3S, () -> false))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("Docker is not available");
    }

    @Test
    void k3sWithDockerAndTheOtherKindsWithoutDockerGoAhead() {
        assertThatCode(() -> MeshRun.requireDocker(EnvironmentKind.K3S, () -> true)).doesNotThrowAnyException();
        assertThatCode(() -> MeshRun.requireDocker(EnvironmentKind.LOCAL, () -> false)).doesNotThrowAnyException();
        assertThatCode(() -> MeshRun.requireDocker(EnvironmentKind.CLUSTER, () -> false)).doesNotThrowAnyException();
    }

    @Test
    void k3sClassesAreDisabledWithTheReasonWhenDockerIsMissing() {
        ConditionEvaluationResult result = MeshRun.dockerCondition(false, () -> EnvironmentKind.K3S, () -> false);
        assertThat(result.isDisabled()).as("k3s without Docker").isTrue();
        assertThat(result.getReason()).contains("Docker is not available");
    }

    @Test
    void dockerIsNotAskedForOtherKindsNorWithAnEnvironmentFactory() {
        BooleanSupplier mustNotBeAsked = () -> {
            throw new AssertionError("Docker probed although k3s is not starting");
        };
        assertThat(MeshRun.dockerCondition(false, () -> EnvironmentKind.LOCAL, mustNotBeAsked).isDisabled()).isFalse();
        assertThat(MeshRun.dockerCondition(true, () -> EnvironmentKind.K3S, mustNotBeAsked).isDisabled()).isFalse();
        assertThat(MeshRun.dockerCondition(false, () -> EnvironmentKind.K3S, () -> true).isDisabled()).isFalse();
    }

    @Test
    void anUnknownKindIsLeftToTheStartToReport() {
        assertThat(MeshRun.dockerCondition(false, () -> {
            throw new IllegalArgumentException("mesh.environment is 'kind'");
        }, () -> false).isDisabled()).as("reported by MeshRun.start as a configuration error").isFalse();
    }

    @Test
    void k3sWithABrokenTopologyFailsBeforeAnyContainerStarts() {
        assertThatThrownBy(() -> MeshRun.topology(EnvironmentKind.K3S, ORIGIN, "classpath:junit/broken.yaml"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("expected a top-level 'workloads:' list");
    }
}
