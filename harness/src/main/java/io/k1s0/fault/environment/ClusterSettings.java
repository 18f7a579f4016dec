package io.k1s0.fault.environment;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** What the {@code cluster} environment needs beyond the Kubernetes client: where Prometheus answers. */
record ClusterSettings(Optional<URI> prometheus) {

    static final String PROMETHEUS_PROPERTY = "mesh.prometheus.url";
    static final String PROMETHEUS_ENV = "PROMETHEUS_URL";

    /** The system property wins over the environment variable; neither set means no Prometheus. */
    static ClusterSettings resolve(Properties properties, Map<String, String> environment) {
        String fromProperty = properties.getProperty(PROMETHEUS_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return new ClusterSettings(Optional.of(httpUri(PROMETHEUS_PROPERTY, fromProperty)));
        }
        String fromEnvironment = environment.get(PROMETHEUS_ENV);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return new ClusterSettings(Optional.of(httpUri(PROMETHEUS_ENV, fromEnvironment)));
        }
        return new ClusterSettings(Optional.empty());
    }

    private static URI httpUri(String source, String value) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    source + " is '" + value + "', not a URI; expected an absolute http:// or https:// URL", e);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(source + " is '" + value
                    + "'; expected an absolute http:// or https:// URL such as http://prometheus.observability:9090");
        }
        return uri;
    }
}
