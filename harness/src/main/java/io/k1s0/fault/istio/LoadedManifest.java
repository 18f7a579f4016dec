package io.k1s0.fault.istio;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;

/**
 * One resource read from a file.
 *
 * @param file where it came from
 * @param kind its kind
 * @param resource the typed model (generic for Flagger)
 * @param document the YAML tree with line numbers
 */
record LoadedManifest(Path file, ManifestKind kind, HasMetadata resource, ManifestYaml.Document document) {

    String namespace() {
        String ns = resource.getMetadata() == null ? null : resource.getMetadata().getNamespace();
        return ns == null || ns.isBlank() ? "default" : ns;
    }

    String name() {
        return resource.getMetadata() == null ? "" : resource.getMetadata().getName();
    }

    /** Kind namespace/name: the identity of the object in the cluster. */
    String identity() {
        return kind.kind + " " + namespace() + "/" + name();
    }

    String annotation(String key) {
        if (resource.getMetadata() == null || resource.getMetadata().getAnnotations() == null) {
            return null;
        }
        return resource.getMetadata().getAnnotations().get(key);
    }

    @SuppressWarnings("unchecked")
    <T> T as(Class<T> type) {
        return (T) resource;
    }
}
