package io.k1s0.fault.istio;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.model.jackson.JsonUnwrappedDeserializer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds fields the fabric8 model does not know. The model classes swallow unknown fields into
 * {@code additionalProperties}, so Jackson alone never complains; this walks the YAML tree along the
 * model's Jackson properties (including the {@code @JsonUnwrapped} one-of types) instead.
 */
final class ManifestShape {

    /**
     * An unknown field.
     *
     * @param path JSON path of the field
     * @param known the field names allowed at that place
     */
    record UnknownField(String path, List<String> known) {
        String field() {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }

    private final ObjectMapper mapper;
    private final Map<JavaType, Map<String, JavaType>> cache = new ConcurrentHashMap<>();

    ManifestShape(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    List<UnknownField> unknownFields(JsonNode tree, Class<?> modelType) {
        List<UnknownField> out = new ArrayList<>();
        walk(tree, mapper.constructType(modelType), "", out);
        return out;
    }

    private void walk(JsonNode node, JavaType type, String path, List<UnknownField> out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(node.get(i), type.getContentType(), path + "[" + i + "]", out);
                }
            }
            return;
        }
        if (type.isMapLikeType()) {
            if (node.isObject()) {
                node.fields().forEachRemaining(
                        e -> walk(e.getValue(), type.getContentType(), join(path, e.getKey()), out));
            }
            return;
        }
        if (!node.isObject() || opaque(type.getRawClass())) {
            return;
        }
        Map<String, JavaType> properties = properties(type);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JavaType child = properties.get(field.getKey());
            if (child == null) {
                out.add(new UnknownField(join(path, field.getKey()), List.copyOf(properties.keySet())));
            } else {
                walk(field.getValue(), child, join(path, field.getKey()), out);
            }
        }
    }

    /** Types whose content is free-form or read by a custom deserializer. */
    private static boolean opaque(Class<?> raw) {
        if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || raw == GenericKubernetesResource.class
                || !raw.getName().startsWith("io.fabric8.")) {
            return true;
        }
        JsonDeserialize custom = raw.getAnnotation(JsonDeserialize.class);
        return custom != null && custom.using() != com.fasterxml.jackson.databind.JsonDeserializer.None.class
                && custom.using() != JsonUnwrappedDeserializer.class;
    }

    private Map<String, JavaType> properties(JavaType type) {
        Map<String, JavaType> cached = cache.get(type);
        if (cached != null) {
            return cached;
        }
        Map<String, JavaType> properties = new LinkedHashMap<>();
        BeanDescription description = mapper.getDeserializationConfig().introspect(type);
        for (BeanPropertyDefinition property : description.findProperties()) {
            if (unwrapped(property)) {
                JsonSubTypes subTypes = property.getPrimaryType().getRawClass().getAnnotation(JsonSubTypes.class);
                if (subTypes != null) {
                    for (JsonSubTypes.Type sub : subTypes.value()) {
                        properties.putAll(properties(mapper.constructType(sub.value())));
                    }
                }
            } else if (property.couldDeserialize() && !"additionalProperties".equals(property.getName())) {
                properties.put(property.getName(), property.getPrimaryType());
            }
        }
        cache.putIfAbsent(type, properties);
        return properties;
    }

    private static boolean unwrapped(BeanPropertyDefinition property) {
        for (AnnotatedMember member : new AnnotatedMember[] {property.getField(), property.getSetter(),
            property.getGetter()}) {
            if (member != null && member.hasAnnotation(JsonUnwrapped.class)) {
                return true;
            }
        }
        return false;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
