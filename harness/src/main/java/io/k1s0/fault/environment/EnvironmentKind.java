package io.k1s0.fault.environment;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/** Where the mesh runs; chosen by {@value #PROPERTY} / {@value #ENV_VARIABLE}, never by editing a test. */
public enum EnvironmentKind {
    /** The embedded mesh inside this JVM. */
    LOCAL,
    /** k3s with real Istio in a Testcontainers container (needs Docker). */
    K3S,
    /** An existing cluster through kubeconfig or in-cluster configuration. */
    CLUSTER;

    /** System property naming the environment. */
    public static final String PROPERTY = "mesh.environment";
    /** Environment variable naming the environment when the system property is absent. */
    public static final String ENV_VARIABLE = "MESH_ENVIRONMENT";

    /** The lower-case name used in properties and by {@link MeshEnvironment#name()}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@value #PROPERTY}, then {@value #ENV_VARIABLE}; {@link #LOCAL} when neither is set. */
    public static EnvironmentKind fromProperty() {
        return resolve(System.getProperties(), System.getenv());
    }

    static EnvironmentKind resolve(Properties properties, Map<String, String> environment) {
        String fromProperty = properties.getProperty(PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return parse(PROPERTY, fromProperty);
        }
        String fromEnvironment = environment.get(ENV_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return parse(ENV_VARIABLE, fromEnvironment);
        }
        return LOCAL;
    }

    /** Parses an id case-insensitively; {@code source} names the setting in the error message. */
    static EnvironmentKind parse(String source, String value) {
        String id = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(kind -> kind.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        source + " is '" + value + "'; allowed values are " + allowedValues()));
    }

    private static String allowedValues() {
        return Arrays.stream(values()).map(EnvironmentKind::id).collect(Collectors.joining(", "));
    }
}
