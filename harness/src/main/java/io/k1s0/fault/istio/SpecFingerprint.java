package io.k1s0.fault.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** A SHA-256 over the canonical JSON of a VirtualService's {@code .spec}: equal hashes mean equal routing. */
public final class SpecFingerprint {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private SpecFingerprint() {
    }

    public static String of(VirtualService virtualService) {
        return ofTree(CANONICAL.valueToTree(virtualService.getSpec()));
    }

    static String ofTree(JsonNode spec) {
        try {
            // Maps are sorted on write, so key order in the server's answer cannot change the hash.
            Object plain = CANONICAL.treeToValue(spec == null ? CANONICAL.createObjectNode() : sorted(spec), Object.class);
            byte[] json = CANONICAL.writeValueAsBytes(plain);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot fingerprint VirtualService spec", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            node.properties().forEach(e -> fields.put(e.getKey(), sorted(e.getValue())));
            ObjectNode out = CANONICAL.createObjectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            var out = CANONICAL.createArrayNode();
            node.forEach(child -> out.add(sorted(child)));
            return out;
        }
        return node;
    }
}
