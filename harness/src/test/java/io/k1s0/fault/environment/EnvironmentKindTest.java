package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EnvironmentKindTest {

    private static Properties properties(String value) {
        Properties properties = new Properties();
        properties.setProperty(EnvironmentKind.PROPERTY, value);
        return properties;
    }

    @Test
    void defaultsToLocalWhenNothingIsSet() {
        assertThat(EnvironmentKind.resolve(new Properties(), Map.of())).isEqualTo(EnvironmentKind.LOCAL);
    }

    @Test
    void systemPropertyWinsOverEnvironmentVariable() {
        assertThat(EnvironmentKind.resolve(properties("k3s"), Map.of(EnvironmentKind.ENV_VARIABLE, "cluster")))
                .isEqualTo(EnvironmentKind.K3S);
    }

    @Test
    void environmentVariableIsUsedWhenPropertyIsAbsentAndCaseDoesNotMatter() {
        assertThat(EnvironmentKind.resolve(new Properties(), Map.of(EnvironmentKind.ENV_VARIABLE, " Cluster ")))
                .isEqualTo(EnvironmentKind.CLUSTER);
    }

    @Test
    void blankValuesFallThroughToTheDefault() {
        assertThat(EnvironmentKind.resolve(properties(" "), Map.of(EnvironmentKind.ENV_VARIABLE, "")))
                .isEqualTo(EnvironmentKind.LOCAL);
    }

    @Test
    void badPropertyValueNamesTheSettingTheValueAndTheAllowedValues() {
        assertThatThrownBy(() -> EnvironmentKind.resolve(properties("kind"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mesh.environment is 'kind'; allowed values are local, k3s, cluster");
    }

    @Test
    void badEnvironmentVariableIsNamedAsTheSource() {
        assertThatThrownBy(() -> EnvironmentKind.resolve(new Properties(), Map.of("MESH_ENVIRONMENT", "k8s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("MESH_ENVIRONMENT is 'k8s'");
    }

    @Test
    void idIsTheLowerCaseName() {
        assertThat(EnvironmentKind.K3S.id()).isEqualTo("k3s");
    }
}
