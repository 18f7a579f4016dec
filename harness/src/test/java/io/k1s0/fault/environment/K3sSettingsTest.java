package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class K3sSettingsTest {

    @Test
    void defaultsAreNoReuseFiveMinutesPerStepAndTargetArtifacts() {
        K3sSettings settings = K3sSettings.resolve(new Properties(), Map.of());
        assertThat(settings.reuse()).isFalse();
        assertThat(settings.stepTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.artifactsDirectory()).isEqualTo(Path.of("target", "fault-harness", "k3s"));
    }

    @Test
    void reuseIsOptInThroughTestcontainersEnvironmentVariable() {
        assertThat(K3sSettings.resolve(new Properties(), Map.of("TESTCONTAINERS_REUSE_ENABLE", "true")).reuse())
                .isTrue();
    }

    @Test
    void reusePropertyWinsOverEnvironment() {
        Properties properties = new Properties();
        properties.setProperty("testcontainers.reuse.enable", "false");
        assertThat(K3sSettings.resolve(properties, Map.of("TESTCONTAINERS_REUSE_ENABLE", "true")).reuse()).isFalse();
    }

    @Test
    void badReuseValueNamesAllowedValues() {
        assertThatThrownBy(() -> K3sSettings.resolve(new Properties(), Map.of("TESTCONTAINERS_REUSE_ENABLE", "yes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TESTCONTAINERS_REUSE_ENABLE is 'yes'; allowed values are true, false");
    }

    @Test
    void stepTimeoutIsAnIsoDuration() {
        Properties properties = new Properties();
        properties.setProperty("mesh.k3s.step-timeout", "PT90S");
        properties.setProperty("mesh.artifacts.dir", "build/out");
        K3sSettings settings = K3sSettings.resolve(properties, Map.of());
        assertThat(settings.stepTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.artifactsDirectory()).isEqualTo(Path.of("build/out", "k3s"));
    }

    @Test
    void unparseableOrNonPositiveStepTimeoutIsRejected() {
        Properties words = new Properties();
        words.setProperty("mesh.k3s.step-timeout", "5 minutes");
        assertThatThrownBy(() -> K3sSettings.resolve(words, Map.of()))
                .hasMessageContaining("mesh.k3s.step-timeout is '5 minutes'; expected an ISO-8601 duration");
        Properties zero = new Properties();
        zero.setProperty("mesh.k3s.step-timeout", "PT0S");
        assertThatThrownBy(() -> K3sSettings.resolve(zero, Map.of()))
                .hasMessageContaining("must be a positive ISO-8601 duration");
    }

    @Test
    void k3sCommandDisablesTraefikAndMetricsServerAndTrustsTheDockerHost() {
        assertThat(K3sSettings.k3sCommand("docker-host"))
                .containsExactly("server", "--disable=traefik", "--disable=metrics-server", "--tls-san=docker-host");
    }

    @Test
    void k3sImageIsPinnedToKubernetesWithNativeSidecars() {
        String tag = PinnedImages.K3S.substring(PinnedImages.K3S.indexOf(':') + 1);
        assertThat(tag).matches("v1\\.\\d+\\.\\d+-k3s\\d+");
        int minor = Integer.parseInt(tag.split("\\.")[1]);
        assertThat(minor).as("native sidecars are on by default from Kubernetes 1.29").isGreaterThanOrEqualTo(29);
    }

    @Test
    void imagesDirectoryIsAbsentByDefaultAndMustExistWhenGiven(@org.junit.jupiter.api.io.TempDir Path images) {
        assertThat(K3sSettings.resolve(new Properties(), Map.of()).imagesDirectory()).isEmpty();
        assertThat(K3sSettings.resolve(new Properties(), Map.of("MESH_K3S_IMAGES_DIR", images.toString()))
                .imagesDirectory()).contains(images.toAbsolutePath());
        Properties properties = new Properties();
        properties.setProperty("mesh.k3s.images-dir", images.resolve("missing").toString());
        assertThatThrownBy(() -> K3sSettings.resolve(properties, Map.of("MESH_K3S_IMAGES_DIR", images.toString())))
                .as("the property wins, and a missing directory is an error")
                .hasMessageContaining("mesh.k3s.images-dir is '" + images.resolve("missing") + "', which is not a directory");
    }
}
