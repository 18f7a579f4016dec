package io.k1s0.fault.environment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The design's resources from a {@code manifests/} directory: every {@code .yaml}/{@code .yml} file below it,
 * in path order. Parsing goes through fabric8's {@code client.load}, which needs no server.
 *
 * <p>Left out, with a log line: Namespaces (this environment creates them with injection on and must keep
 * that label) and resources of API groups this environment does not install (Flagger, Prometheus Operator).
 */
final class ManifestFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestFiles.class);
    static final Set<String> NOT_INSTALLED_GROUPS = Set.of("flagger.app", "monitoring.coreos.com");

    private ManifestFiles() {
    }

    static List<HasMetadata> load(KubernetesClient client, Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("manifests directory '" + directory.toAbsolutePath()
                    + "' does not exist or is not a directory; pass the repository's manifests/ directory");
        }
        List<HasMetadata> kept = new ArrayList<>();
        for (Path file : yamlFiles(directory)) {
            for (HasMetadata resource : parse(client, file)) {
                if (resource instanceof Namespace) {
                    LOG.info("manifests: {} declares Namespace {}; the environment creates it", file,
                            resource.getMetadata().getName());
                } else if (NOT_INSTALLED_GROUPS.contains(group(resource))) {
                    LOG.info("manifests: {} {} {} skipped, API group {} is not installed in this environment",
                            file, resource.getKind(), resource.getMetadata().getName(), group(resource));
                } else {
                    kept.add(resource);
                }
            }
        }
        return kept;
    }

    private static List<Path> yamlFiles(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list manifests in " + directory, e);
        }
    }

    private static List<HasMetadata> parse(KubernetesClient client, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return client.load(in).items();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest " + file, e);
        } catch (RuntimeException e) {
            // fabric8 passes YAML parser errors through unwrapped; any of them means this file is bad.
            throw new IllegalArgumentException("manifest " + file + " is not valid Kubernetes YAML: " + e.getMessage(), e);
        }
    }

    private static String group(HasMetadata resource) {
        String apiVersion = resource.getApiVersion();
        int slash = apiVersion == null ? -1 : apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
