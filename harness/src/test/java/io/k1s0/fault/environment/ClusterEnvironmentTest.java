package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ClusterEnvironmentTest {

    @Test
    void prometheusPropertyWinsOverEnvironmentVariable() {
        Properties properties = new Properties();
        properties.setProperty("mesh.prometheus.url", "http://prometheus.observability:9090");
        ClusterSettings settings = ClusterSettings.resolve(properties,
                Map.of("PROMETHEUS_URL", "http://other:9090"));
        assertThat(settings.prometheus()).contains(URI.create("http://prometheus.observability:9090"));
    }

    @Test
    void prometheusComesFromEnvironmentVariableWhenNoProperty() {
        ClusterSettings settings = ClusterSettings.resolve(new Properties(),
                Map.of("PROMETHEUS_URL", "https://prom.example.internal/"));
        assertThat(settings.prometheus()).contains(URI.create("https://prom.example.internal/"));
    }

    @Test
    void noPrometheusWhenNothingIsConfigured() {
        assertThat(ClusterSettings.resolve(new Properties(), Map.of()).prometheus()).isEmpty();
    }

    @Test
    void prometheusWithoutHttpSchemeIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> ClusterSettings.resolve(new Properties(), Map.of("PROMETHEUS_URL", "prometheus:9090")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PROMETHEUS_URL is 'prometheus:9090'")
                .hasMessageContaining("absolute http:// or https:// URL");
    }

    @Test
    void prometheusThatIsNoUriIsRejected() {
        Properties properties = new Properties();
        properties.setProperty("mesh.prometheus.url", "http://bad host:9090");
        assertThatThrownBy(() -> ClusterSettings.resolve(properties, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mesh.prometheus.url is 'http://bad host:9090', not a URI");
    }

    @Test
    void clusterEnvironmentSendsDirectlyAndExposesConfiguredPrometheus() {
        try (EmbeddedKubernetes api = new EmbeddedKubernetes();
                ClusterEnvironment environment = new ClusterEnvironment(api.client(),
                        new ClusterSettings(Optional.of(URI.create("http://prometheus:9090"))))) {
            assertThat(environment.name()).isEqualTo("cluster");
            assertThat(environment.client()).isSameAs(api.client());
            assertThat(environment.vantageProxy("order-bff", "k1s0-service"))
                    .as("the runner pod's own sidecar is the caller, so no proxy").isEmpty();
            assertThat(environment.prometheus()).contains(URI.create("http://prometheus:9090"));
            assertThat(environment.sidecarMetricsEndpoints()).isEmpty();
        }
    }
}
