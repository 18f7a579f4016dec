package io.k1s0.fault.localmesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.MultiMap;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Istio's HTTP metadata exchange between sidecars: the caller's outbound adds who it is in
 * {@code x-envoy-peer-metadata} / {@code x-envoy-peer-metadata-id}; the server's inbound reads them for
 * its {@code source_*} labels and removes them. Istio encodes a protobuf Struct; here the same fields are
 * base64 JSON, which only sidecars of this mesh read.
 */
record PeerMetadata(String workload, String namespace, String app, String version) {
    static final String HEADER = "x-envoy-peer-metadata";
    static final String ID_HEADER = "x-envoy-peer-metadata-id";
    static final String UNKNOWN = "unknown";
    static final PeerMetadata NONE = new PeerMetadata(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN);
    private static final ObjectMapper JSON = new ObjectMapper();

    // Decoded headers by their encoded value; callers are this mesh's few sidecars, so the cache stays small
    // (bounded anyway, for other callers that send the header).
    private static final int CACHE_LIMIT = 1024;
    private static final Map<String, PeerMetadata> DECODED = new ConcurrentHashMap<>();

    /** The two headers this peer's outbound adds to every request; computed once per sidecar, not per request. */
    MultiMap headers(String podName) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("WORKLOAD_NAME", workload);
        fields.put("NAMESPACE", namespace);
        fields.put("APP", app);
        fields.put("VERSION", version);
        try {
            headers.set(HEADER, Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(fields)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("peer metadata not serialisable", e);
        }
        headers.set(ID_HEADER, "sidecar~" + WorkloadResources.POD_IP + "~" + podName + "." + namespace + "~" + namespace + ".svc.cluster.local");
        return headers;
    }

    /** Reads and removes the caller's metadata; {@link #NONE} when absent or unreadable (a non-mesh caller). */
    static PeerMetadata takeFrom(MultiMap headers) {
        String encoded = headers.get(HEADER);
        headers.remove(HEADER);
        headers.remove(ID_HEADER);
        if (encoded == null) {
            return NONE;
        }
        PeerMetadata known = DECODED.get(encoded);
        if (known != null) {
            return known;
        }
        PeerMetadata decoded = decode(encoded);
        if (DECODED.size() < CACHE_LIMIT) {
            DECODED.put(encoded, decoded);
        }
        return decoded;
    }

    private static PeerMetadata decode(String encoded) {
        try {
            Map<?, ?> fields = JSON.readValue(new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8), Map.class);
            return new PeerMetadata(field(fields, "WORKLOAD_NAME"), field(fields, "NAMESPACE"), field(fields, "APP"), field(fields, "VERSION"));
        } catch (IllegalArgumentException | java.io.IOException e) {
            return NONE;
        }
    }

    private static String field(Map<?, ?> fields, String name) {
        Object v = fields.get(name);
        return v == null ? UNKNOWN : v.toString();
    }
}
