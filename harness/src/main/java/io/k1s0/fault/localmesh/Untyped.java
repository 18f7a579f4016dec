package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;

/**
 * Untyped Kubernetes objects and where their kinds live in the API. The local mesh's start path writes and reads
 * these instead of fabric8's typed model: Jackson builds a typed kind's whole tree of deserializers the first time
 * it reads one, which a cold start pays for every kind it touches (docs/local-mesh-benchmark.md).
 */
final class Untyped {

    private Untyped() {}

    /** The API path of a kind, given explicitly so that no discovery request is needed; {@code group} "" is core. */
    static ResourceDefinitionContext kind(String group, String version, String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(namespaced).build();
    }

    /** An object of {@code kind} with {@code fields} (e.g. {@code spec}, {@code status}) beside its metadata. */
    static GenericKubernetesResource object(String apiVersion, String kind, ObjectMeta meta, Map<String, Object> fields) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(apiVersion);
        r.setKind(kind);
        r.setMetadata(meta);
        fields.forEach(r::setAdditionalProperty);
        return r;
    }
}
