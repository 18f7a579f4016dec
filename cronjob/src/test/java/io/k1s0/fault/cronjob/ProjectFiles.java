package io.k1s0.fault.cronjob;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the checked-in files the tests read, from Surefire's system properties (or the module directory). */
final class ProjectFiles {

    private ProjectFiles() {
    }

    static Path grafanaDir() {
        return dir("grafana.dir", "../grafana");
    }

    static Path manifestsDir() {
        return dir("manifests.dir", "manifests");
    }

    /** The design's Istio manifests at the repository root (routing, circuit-breakers, ...). */
    static Path designManifestsDir() {
        return dir("design-manifests.dir", "../manifests");
    }

    static Path dashboardJson() {
        return grafanaDir().resolve("fault-injection-results.json");
    }

    static Path dashboardConfigMap() {
        return grafanaDir().resolve("dashboard-configmap.yaml");
    }

    static Path dashboardSchema() {
        return grafanaDir().resolve("schema/dashboard.schema.json");
    }

    static Path jibTar() {
        return Path.of(System.getProperty("jib.tar", "target/jib-image.tar"));
    }

    static String runnerMainClass() {
        return System.getProperty("fault-runner.main-class", "io.k1s0.fault.runner.FaultRunner");
    }

    private static Path dir(String property, String fallback) {
        Path dir = Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("directory " + dir + " (system property " + property + ") does not exist");
        }
        return dir;
    }
}
