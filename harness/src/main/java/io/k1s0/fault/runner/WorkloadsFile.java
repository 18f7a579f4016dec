package io.k1s0.fault.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --workloads} file of {@code local-mesh}:
 *
 * <pre>
 * workloads:
 * - name: order-server
 *   namespace: k1s0-service
 *   labels: {version: v1}          # app defaults to the name, version to v1
 *   service: {name: order-server, port: 8080}   # default: the name, port 80
 *   replicas: 2                    # default 1
 *   defaultEcho: "status=503:100"  # optional Fortio echo parameters
 * </pre>
 */
final class WorkloadsFile {
    private static final Set<String> FIELDS = Set.of("name", "namespace", "labels", "service", "replicas", "defaultEcho");
    private static final Set<String> SERVICE_FIELDS = Set.of("name", "port");

    private WorkloadsFile() {}

    static List<WorkloadSpec> read(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        if (root == null || !root.path("workloads").isArray() || root.path("workloads").isEmpty()) {
            throw new IllegalArgumentException("expected a top-level 'workloads:' list with at least one entry");
        }
        List<WorkloadSpec> specs = new ArrayList<>();
        int i = 0;
        for (JsonNode w : root.get("workloads")) {
            String at = "workloads[" + i++ + "]";
            unknownFields(at, w, FIELDS);
            String name = text(at + ".name", w.get("name"), true);
            String namespace = text(at + ".namespace", w.get("namespace"), true);
            Map<String, String> labels = new LinkedHashMap<>();
            if (w.has("labels")) {
                if (!w.get("labels").isObject()) {
                    throw new IllegalArgumentException(at + ".labels: expected a map of label: value, got " + w.get("labels"));
                }
                w.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
            JsonNode svc = w.path("service");
            if (!svc.isMissingNode()) {
                unknownFields(at + ".service", svc, SERVICE_FIELDS);
            }
            String serviceName = svc.has("name") ? text(at + ".service.name", svc.get("name"), true) : name;
            int port = svc.has("port") ? integer(at + ".service.port", svc.get("port")) : 80;
            int replicas = w.has("replicas") ? integer(at + ".replicas", w.get("replicas")) : 1;
            String echo = w.has("defaultEcho") ? text(at + ".defaultEcho", w.get("defaultEcho"), false) : "";
            try {
                specs.add(new WorkloadSpec(name, namespace, labels, serviceName, port, replicas, echo));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
            }
        }
        return specs;
    }

    private static void unknownFields(String at, JsonNode node, Set<String> allowed) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + ": expected a map, got " + node);
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new IllegalArgumentException(at + "." + f + ": unknown field; allowed: " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static String text(String at, JsonNode node, boolean required) {
        if (node == null || node.isNull() || (required && node.asText().isBlank())) {
            throw new IllegalArgumentException(at + ": is missing");
        }
        if (!node.isValueNode()) {
            throw new IllegalArgumentException(at + ": expected a string, got " + node);
        }
        return node.asText();
    }

    private static int integer(String at, JsonNode node) {
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new IllegalArgumentException(at + ": expected a whole number, got " + node);
        }
        return node.asInt();
    }
}
