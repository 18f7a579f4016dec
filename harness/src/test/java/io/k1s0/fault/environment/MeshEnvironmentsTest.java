package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The k3s environment applies a manifests directory only when one is named, and checks it before starting. */
class MeshEnvironmentsTest {

    @TempDir
    Path directory;

    @Test
    void noManifestsPropertyMeansNoManifests() {
        assertThat(MeshEnvironments.k3sManifests(new Properties())).isEmpty();
    }

    @Test
    void aNamedDirectoryIsApplied() {
        Properties properties = new Properties();
        properties.setProperty(MeshEnvironments.K3S_MANIFESTS_PROPERTY, directory.toString());
        assertThat(MeshEnvironments.k3sManifests(properties)).contains(directory);
    }

    @Test
    void aManifestsPropertyThatIsNotADirectoryIsAClearError() throws Exception {
        Path file = Files.writeString(directory.resolve("vs.yaml"), "kind: VirtualService\n");
        Properties properties = new Properties();
        properties.setProperty(MeshEnvironments.K3S_MANIFESTS_PROPERTY, file.toString());
        assertThatThrownBy(() -> MeshEnvironments.k3sManifests(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mesh.k3s.manifests is '" + file + "' (" + file.toAbsolutePath() + "), which is not a directory; "
                        + "allowed: a directory of Kubernetes YAML files, or unset for none");
    }
}
