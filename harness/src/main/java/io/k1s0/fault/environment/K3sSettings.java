package io.k1s0.fault.environment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * How the k3s environment starts: container reuse, the per-step deadline, where diagnostics go.
 *
 * <p>Reuse is opt-in with Testcontainers' own switch, {@code TESTCONTAINERS_REUSE_ENABLE=true} (or system
 * property {@value #REUSE_PROPERTY}); Testcontainers additionally honours it only when reuse is enabled in
 * its configuration ({@code testcontainers.reuse.enable=true} in {@code ~/.testcontainers.properties} or that
 * environment variable).
 *
 * <p>{@value #IMAGES_PROPERTY} / {@value #IMAGES_ENV} names a directory of {@code docker save} tarballs that k3s
 * imports at start (its air-gap images directory), so a CI cache replaces pulls from registries.
 */
record K3sSettings(boolean reuse, Duration stepTimeout, Path artifactsDirectory, Optional<Path> imagesDirectory) {

    static final String REUSE_ENV = "TESTCONTAINERS_REUSE_ENABLE";
    static final String REUSE_PROPERTY = "testcontainers.reuse.enable";
    static final String STEP_TIMEOUT_PROPERTY = "mesh.k3s.step-timeout";
    static final String ARTIFACTS_PROPERTY = "mesh.artifacts.dir";
    static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofMinutes(5);
    static final String IMAGES_PROPERTY = "mesh.k3s.images-dir";
    static final String IMAGES_ENV = "MESH_K3S_IMAGES_DIR";
    /** k3s imports every image tarball found here when it starts. */
    static final String K3S_IMAGES_PATH = "/var/lib/rancher/k3s/agent/images";
    static final Path DEFAULT_ARTIFACTS = Path.of("target", "fault-harness", "k3s");

    static K3sSettings resolve(Properties properties, Map<String, String> environment) {
        String reuse = properties.getProperty(REUSE_PROPERTY, environment.getOrDefault(REUSE_ENV, "false"));
        return new K3sSettings(
                flag(properties.containsKey(REUSE_PROPERTY) ? REUSE_PROPERTY : REUSE_ENV, reuse),
                duration(properties.getProperty(STEP_TIMEOUT_PROPERTY)),
                properties.containsKey(ARTIFACTS_PROPERTY)
                        ? Path.of(properties.getProperty(ARTIFACTS_PROPERTY)).resolve("k3s") : DEFAULT_ARTIFACTS,
                imagesDirectory(properties.getProperty(IMAGES_PROPERTY), environment.get(IMAGES_ENV)));
    }

    private static Optional<Path> imagesDirectory(String fromProperty, String fromEnvironment) {
        String source = fromProperty != null && !fromProperty.isBlank() ? IMAGES_PROPERTY : IMAGES_ENV;
        String value = IMAGES_PROPERTY.equals(source) ? fromProperty : fromEnvironment;
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path directory = Path.of(value.trim()).toAbsolutePath();
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException(source + " is '" + value
                    + "', which is not a directory; expected a directory of docker-save image tarballs");
        }
        return Optional.of(directory);
    }

    /** The k3s server command: Traefik would take ports 80/443, metrics-server is not needed. */
    static List<String> k3sCommand(String host) {
        return List.of("server", "--disable=traefik", "--disable=metrics-server", "--tls-san=" + host);
    }

    private static boolean flag(String source, String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false", "" -> false;
            default -> throw new IllegalArgumentException(
                    source + " is '" + value + "'; allowed values are true, false");
        };
    }

    private static Duration duration(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_STEP_TIMEOUT;
        }
        try {
            Duration parsed = Duration.parse(value.trim());
            if (parsed.isNegative() || parsed.isZero()) {
                throw new IllegalArgumentException(STEP_TIMEOUT_PROPERTY + " is '" + value
                        + "'; it must be a positive ISO-8601 duration such as PT5M");
            }
            return parsed;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(STEP_TIMEOUT_PROPERTY + " is '" + value
                    + "'; expected an ISO-8601 duration such as PT5M or PT90S", e);
        }
    }
}
