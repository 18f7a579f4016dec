package io.k1s0.fault.junit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Reads the local mesh's topology file ({@code @MeshFaultTest(workloads = …)}), the format of
 * {@code fault-runner local-mesh --workloads}; every problem names the entry and field.
 */
final class Topology {

    private static final Set<String> FIELDS = Set.of("name", "namespace", "labels", "service", "replicas", "defaultEcho");
    private static final Set<String> SERVICE_FIELDS = Set.of("name", "port");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Topology() {}

    /** @throws ExtensionConfigurationException naming the location, the field, the value and what is allowed */
    static List<WorkloadSpec> read(String origin, String location) {
        List<Locations.Document> docs = Locations.read(origin, "workloads", location);
        if (docs.size() != 1) {
            throw new ExtensionConfigurationException(origin + ": workloads is '" + location
                    + "', a directory; allowed: one YAML file with a top-level 'workloads:' list");
        }
        try {
            return parse(docs.get(0).text());
        } catch (IllegalArgumentException | JsonProcessingException e) {
            throw new ExtensionConfigurationException(origin + ": workloads file '" + location + "': " + e.getMessage(), e);
        }
    }

    static List<WorkloadSpec> parse(String yaml) throws JsonProcessingException {
        JsonNode root = YAML.readTree(yaml);
        if (root == null || !root.path("workloads").isArray() || root.path("workloads").isEmpty()) {
            throw new IllegalArgumentException("expected a top-level 'workloads:' list with at least one entry");
        }
        List<WorkloadSpec> specs = new ArrayList<>();
        int i = 0;
        for (JsonNode w : root.get("workloads")) {
            String at = "workloads[" + i++ + "]";
            onlyKnown(at, w, FIELDS);
            String name = text(at + ".name", w.get("name"));
            String namespace = text(at + ".namespace", w.get("namespace"));
            Map<String, String> labels = new LinkedHashMap<>();
            if (w.has("labels")) {
                if (!w.get("labels").isObject()) {
                    throw new IllegalArgumentException(at + ".labels is " + w.get("labels") + "; allowed: a map of label: value");
                }
                w.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
            JsonNode service = w.path("service");
            if (!service.isMissingNode()) {
                onlyKnown(at + ".service", service, SERVICE_FIELDS);
            }
            String serviceName = service.has("name") ? text(at + ".service.name", service.get("name")) : name;
            int port = service.has("port") ? whole(at + ".service.port", service.get("port")) : 80;
            int replicas = w.has("replicas") ? whole(at + ".replicas", w.get("replicas")) : 1;
            String echo = w.has("defaultEcho") ? w.get("defaultEcho").asText() : "";
            try {
                specs.add(new WorkloadSpec(name, namespace, labels, serviceName, port, replicas, echo));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        return specs;
    }

    private static void onlyKnown(String at, JsonNode node, Set<String> allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + " is " + node + "; allowed: a map with " + new TreeSet<>(allowed));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw new IllegalArgumentException(at + "." + field + " is an unknown field; allowed: " + new TreeSet<>(allowed));
            }
        }
    }

    private static String text(String at, JsonNode node) {
        if (node == null || node.isNull() || !node.isValueNode() || node.asText().isBlank()) {
            throw new IllegalArgumentException(at + " is " + node + "; allowed: a non-empty string");
        }
        return node.asText();
    }

    private static int whole(String at, JsonNode node) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw new IllegalArgumentException(at + " is " + node + "; allowed: a whole number");
        }
        return node.asInt();
    }
}
