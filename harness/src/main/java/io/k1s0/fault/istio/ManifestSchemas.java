package io.k1s0.fault.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Validates resources against the {@code openAPIV3Schema} of their CustomResourceDefinition, converted
 * to JSON Schema draft 4 (OpenAPI 3.0's base): {@code x-kubernetes-int-or-string} becomes "integer or
 * string", {@code nullable} adds "null", other {@code x-kubernetes-*} keywords and {@code format} are
 * dropped (CEL {@code x-kubernetes-validations} are not evaluated), and objects that list
 * {@code properties} without {@code x-kubernetes-preserve-unknown-fields} reject other fields, as the
 * API server's pruning would drop them.
 */
final class ManifestSchemas {

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    /** Converted schemas per CRD file: the Istio file is large and a test run lints many small sets. */
    private static final Map<Path, Map<String, JsonSchema>> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    private final Map<String, JsonSchema> schemas = new HashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> notes;

    ManifestSchemas(Path istioCrds, Path flaggerCrds, List<String> notes) {
        this.notes = notes;
        read(ManifestKind.CrdSource.ISTIO, istioCrds, "ISTIO_CRDS / -Distio.crds");
        read(ManifestKind.CrdSource.FLAGGER, flaggerCrds, "FLAGGER_CRDS / -Dflagger.crds");
    }

    /** Problems reading the CRD files (bad input). */
    List<String> errors() {
        return errors;
    }

    List<ManifestLint.Finding> validate(List<LoadedManifest> manifests) {
        List<ManifestLint.Finding> findings = new ArrayList<>();
        for (LoadedManifest manifest : manifests) {
            JsonSchema schema = schemas.get(manifest.kind().apiVersion + "/" + manifest.kind().kind);
            if (schema == null) {
                continue;
            }
            for (ValidationMessage message : schema.validate(manifest.document().tree())) {
                String path = message.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
                findings.add(new ManifestLint.Finding("SCHEMA", ManifestLint.Severity.ERROR,
                        manifest.file().toString(), manifest.identity(), path,
                        "violates the " + manifest.kind().kind + " CRD schema: " + message.getError()
                                + "; fix the value to match the CRD"));
            }
        }
        return findings;
    }

    private void read(ManifestKind.CrdSource source, Path file, String setting) {
        if (file == null) {
            notes.add("schema validation of " + source.name().toLowerCase(java.util.Locale.ROOT)
                    + " kinds skipped: " + setting + " not set");
            return;
        }
        Map<String, JsonSchema> cached = CACHE.get(file.toAbsolutePath().normalize());
        if (cached != null) {
            schemas.putAll(cached);
            return;
        }
        try (java.io.Reader reader = Files.newBufferedReader(file)) {
            Map<String, JsonSchema> fromFile = new HashMap<>();
            for (Iterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(reader); it.hasNext();) {
                JsonNode crd = it.next();
                if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                    continue;
                }
                String group = crd.path("spec").path("group").asText();
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode version : crd.path("spec").path("versions")) {
                    JsonNode openApi = version.path("schema").path("openAPIV3Schema");
                    if (!openApi.isMissingNode()) {
                        fromFile.put(group + "/" + version.path("name").asText() + "/" + kind,
                                FACTORY.getSchema(rootSchema(openApi)));
                    }
                }
            }
            if (fromFile.isEmpty()) {
                errors.add(file + ": no CustomResourceDefinition with an openAPIV3Schema found (" + setting + ")");
            } else {
                CACHE.put(file.toAbsolutePath().normalize(), Map.copyOf(fromFile));
                schemas.putAll(fromFile);
            }
        } catch (IOException | RuntimeException e) {
            errors.add(file + ": cannot read CRD file given by " + setting + ": " + e.getMessage());
        }
    }

    /** The CRD schema of a whole resource: apiVersion, kind and metadata are implied by Kubernetes. */
    static JsonNode rootSchema(JsonNode openApi) {
        ObjectNode root = (ObjectNode) toJsonSchema(openApi);
        ObjectNode properties = root.has("properties") ? (ObjectNode) root.get("properties") : root.putObject("properties");
        if (!properties.has("apiVersion")) {
            properties.putObject("apiVersion").put("type", "string");
        }
        if (!properties.has("kind")) {
            properties.putObject("kind").put("type", "string");
        }
        if (!properties.has("metadata")) {
            properties.putObject("metadata").put("type", "object");
        }
        return root;
    }

    /** OpenAPI v3 (Kubernetes structural schema) to JSON Schema draft 4. */
    static JsonNode toJsonSchema(JsonNode openApi) {
        if (openApi.isArray()) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            openApi.forEach(element -> array.add(toJsonSchema(element)));
            return array;
        }
        if (!openApi.isObject()) {
            return openApi;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = openApi.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (key.startsWith("x-kubernetes-") || key.equals("format") || key.equals("nullable")) {
                continue;
            }
            if (key.equals("properties")) {
                ObjectNode properties = out.putObject("properties");
                field.getValue().fields().forEachRemaining(p -> properties.set(p.getKey(), toJsonSchema(p.getValue())));
            } else if (key.equals("enum") || key.equals("required") || key.equals("default")
                    || key.equals("example")) {
                out.set(key, field.getValue());
            } else {
                out.set(key, toJsonSchema(field.getValue()));
            }
        }
        if (openApi.path("x-kubernetes-int-or-string").asBoolean(false)) {
            out.remove("type");
            if (!out.has("anyOf")) {
                ArrayNode anyOf = out.putArray("anyOf");
                anyOf.addObject().put("type", "integer");
                anyOf.addObject().put("type", "string");
            }
        }
        if (openApi.path("nullable").asBoolean(false) && out.has("type") && out.get("type").isTextual()) {
            ArrayNode types = JsonNodeFactory.instance.arrayNode().add(out.get("type").asText()).add("null");
            out.set("type", types);
        }
        if (out.has("properties") && !out.has("additionalProperties")
                && !openApi.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            out.put("additionalProperties", false);
        }
        return out;
    }
}
