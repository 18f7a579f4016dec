package io.k1s0.fault.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Pure edits of a VirtualService spec tree: add faulted copies in front, or strip them again. */
final class FaultRoutes {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FaultRoutes() {
    }

    /** The host names under which a VirtualService in the target's namespace can name the target. */
    static Set<String> aliases(FaultSpec fault) {
        String s = fault.service();
        String ns = fault.namespace();
        return Set.of(s, s + "." + ns, s + "." + ns + ".svc", fault.fqdn());
    }

    static boolean namesHost(JsonNode spec, FaultSpec fault) {
        Set<String> aliases = aliases(fault);
        for (JsonNode host : spec.path("hosts")) {
            if (aliases.contains(host.asText())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns a new spec whose {@code http} list starts with one faulted copy of every original route, in the
     * original order, followed by the untouched originals. First match wins, so routing stays the same and only
     * the fault is added.
     */
    static ObjectNode withFaultCopies(JsonNode original, FaultSpec fault, String prefix, String vsName) {
        ObjectNode spec = (ObjectNode) original.deepCopy();
        for (JsonNode host : spec.path("hosts")) {
            if (!aliases(fault).contains(host.asText())) {
                throw new IllegalStateException("VirtualService " + fault.namespace() + "/" + vsName + " also routes host '"
                        + host.asText() + "'; a fault copy would hit that host too, so the harness refuses. "
                        + "Allowed: a VirtualService whose hosts all name " + fault.fqdn());
            }
        }
        JsonNode http = spec.path("http");
        if (!http.isArray() || http.isEmpty()) {
            throw new IllegalStateException("VirtualService " + fault.namespace() + "/" + vsName
                    + " has no http routes; faults can only be injected on http routes");
        }
        ArrayNode copies = JSON.arrayNode();
        for (int i = 0; i < http.size(); i++) {
            JsonNode route = http.get(i);
            String name = route.path("name").asText(null);
            if (name != null && name.startsWith(prefix)) {
                throw new IllegalStateException("VirtualService " + fault.namespace() + "/" + vsName
                        + " already carries route '" + name + "' of this run; remove it before installing again");
            }
            if (route.has("delegate")) {
                throw new IllegalStateException("route '" + (name == null ? "#" + i : name) + "' of VirtualService "
                        + fault.namespace() + "/" + vsName + " delegates to another VirtualService; "
                        + "allowed: faults on routes with route/redirect/directResponse");
            }
            ObjectNode copy = route.deepCopy();
            copy.put("name", prefix + (name == null ? String.valueOf(i) : name));
            copy.set("fault", faultNode(fault));
            scope(copy, fault, vsName);
            copies.add(copy);
        }
        copies.addAll((ArrayNode) http);
        spec.set("http", copies);
        return spec;
    }

    /** The spec of a VirtualService created for a host that had none: the faulted route and a default route. */
    static ObjectNode dedicatedSpec(FaultSpec fault, String prefix) {
        ObjectNode spec = JSON.objectNode();
        spec.putArray("hosts").add(fault.fqdn());
        ArrayNode http = spec.putArray("http");
        ObjectNode faulted = http.addObject();
        faulted.put("name", prefix + fault.service());
        faulted.putArray("route").addObject().putObject("destination").put("host", fault.fqdn());
        faulted.set("fault", faultNode(fault));
        scope(faulted, fault, "fh-" + fault.service());
        ObjectNode fallback = http.addObject();
        fallback.put("name", prefix + "default");
        fallback.putArray("route").addObject().putObject("destination").put("host", fault.fqdn());
        return spec;
    }

    /** Returns a new spec without the routes whose name starts with the prefix; other routes keep their order. */
    static ObjectNode withoutPrefixed(JsonNode original, String prefix) {
        ObjectNode spec = (ObjectNode) original.deepCopy();
        JsonNode http = spec.path("http");
        if (!http.isArray()) {
            return spec;
        }
        ArrayNode kept = JSON.arrayNode();
        http.forEach(route -> {
            if (!route.path("name").asText("").startsWith(prefix)) {
                kept.add(route);
            }
        });
        spec.set("http", kept);
        return spec;
    }

    static int countPrefixed(JsonNode spec, String prefix) {
        int n = 0;
        for (JsonNode route : spec.path("http")) {
            if (route.path("name").asText("").startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }

    static ObjectNode faultNode(FaultSpec fault) {
        ObjectNode node = JSON.objectNode();
        fault.delay().ifPresent(d -> {
            ObjectNode delay = node.putObject("delay");
            delay.putObject("percentage").put("value", d.percent());
            delay.put("fixedDelay", protoDuration(d.fixedDelay()));
        });
        fault.abort().ifPresent(a -> {
            ObjectNode abort = node.putObject("abort");
            abort.putObject("percentage").put("value", a.percent());
            abort.put("httpStatus", a.httpStatus());
        });
        return node;
    }

    /** Seconds with a fraction ("0.5s"): the protobuf JSON form, which Istio and Go's parser both accept. */
    static String protoDuration(Duration d) {
        BigDecimal seconds = BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
        return seconds.stripTrailingZeros().toPlainString() + "s";
    }

    /** ANDs the header / source-label scope into every match condition of the copy (no match = match all). */
    private static void scope(ObjectNode route, FaultSpec fault, String vsName) {
        if (fault.headerMatch().isEmpty() && fault.sourceLabels().isEmpty()) {
            return;
        }
        ArrayNode matches = route.path("match").isArray() && !route.path("match").isEmpty()
                ? (ArrayNode) route.get("match") : JSON.arrayNode().add(JSON.objectNode());
        for (JsonNode m : matches) {
            ObjectNode match = (ObjectNode) m;
            fault.headerMatch().ifPresent(h -> {
                ObjectNode headers = match.withObjectProperty("headers");
                if (headers.has(h.name())) {
                    throw new IllegalStateException("route '" + route.path("name").asText() + "' of VirtualService " + vsName
                            + " already matches header '" + h.name() + "'; allowed: a header the route does not match on");
                }
                headers.putObject(h.name()).put(h.kind().name().toLowerCase(Locale.ROOT), h.value());
            });
            for (Map.Entry<String, String> label : fault.sourceLabels().entrySet()) {
                ObjectNode labels = match.withObjectProperty("sourceLabels");
                JsonNode existing = labels.get(label.getKey());
                if (existing != null && !existing.asText().equals(label.getValue())) {
                    throw new IllegalStateException("route '" + route.path("name").asText() + "' of VirtualService " + vsName
                            + " matches sourceLabels " + label.getKey() + "=" + existing.asText() + ", fault asks for "
                            + label.getValue() + "; allowed: labels that do not contradict the route");
                }
                labels.put(label.getKey(), label.getValue());
            }
        }
        route.set("match", matches);
    }
}
