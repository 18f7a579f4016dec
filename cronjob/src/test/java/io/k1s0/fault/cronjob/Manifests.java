package io.k1s0.fault.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Kubernetes objects listed as {@code resources} in cronjob/manifests/kustomization.yaml, as typed fabric8 models. */
final class Manifests {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    static JsonNode kustomization() {
        return Json.readYaml(ProjectFiles.manifestsDir().resolve("kustomization.yaml"));
    }

    static List<HasMetadata> resources() {
        List<HasMetadata> objects = new ArrayList<>();
        for (JsonNode file : kustomization().path("resources")) {
            Path path = ProjectFiles.manifestsDir().resolve(file.asText());
            for (JsonNode document : Json.readYamlDocuments(path)) {
                Object parsed = SERIALIZATION.unmarshal(document.toString());
                if (!(parsed instanceof HasMetadata object)) {
                    throw new IllegalStateException(path + " holds a document that is not a Kubernetes object: " + document);
                }
                objects.add(object);
            }
        }
        return objects;
    }

    static <T extends HasMetadata> List<T> ofType(Class<T> type) {
        return resources().stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T single(Class<T> type) {
        List<T> objects = ofType(type);
        if (objects.size() != 1) {
            throw new IllegalStateException("expected exactly one " + type.getSimpleName() + " in the manifests, found "
                    + objects.size());
        }
        return objects.get(0);
    }

    /** A deep copy through JSON, for tests that break a copy. */
    static <T> T copy(T object, Class<T> type) {
        return SERIALIZATION.unmarshal(SERIALIZATION.asJson(object), type);
    }
}
