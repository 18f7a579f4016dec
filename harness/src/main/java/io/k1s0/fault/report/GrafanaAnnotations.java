package io.k1s0.fault.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the fault window on the dashboard through Grafana's annotations HTTP API: {@code POST /api/annotations}
 * when injection starts (tags {@code fault-injection} and {@code run:<id>}), {@code PATCH /api/annotations/<id>}
 * with {@code timeEnd} when the faults are removed. Service-account token as Bearer.
 */
public final class GrafanaAnnotations {

    private static final Logger LOG = LoggerFactory.getLogger(GrafanaAnnotations.class);
    private final URI grafanaUrl;
    private final Secret token;
    private final String dashboardUid;
    private final HttpDelivery http;

    public GrafanaAnnotations(URI grafanaUrl, Secret token, String dashboardUid, HttpSettings settings) {
        if (grafanaUrl == null || !("http".equals(grafanaUrl.getScheme()) || "https".equals(grafanaUrl.getScheme()))) {
            throw new IllegalArgumentException("grafana url is '" + grafanaUrl + "'; allowed: an http:// or https:// URL");
        }
        if (token == null) {
            throw new IllegalArgumentException("grafana token is missing; give it from an environment variable or a file");
        }
        if (dashboardUid == null || dashboardUid.isBlank()) {
            throw new IllegalArgumentException("grafana dashboardUid is '" + dashboardUid + "'; give the dashboard's uid");
        }
        this.grafanaUrl = grafanaUrl;
        this.token = token;
        this.dashboardUid = dashboardUid;
        this.http = new HttpDelivery(settings, token);
    }

    /** The outcome of the start call; {@code id} is present when Grafana answered with one. */
    public record Started(DeliveryResult result, OptionalLong id) {
    }

    /** POSTs a point annotation at {@code start}; keep {@link Started#id()} for {@link #end}. Never throws. */
    public Started start(String runId, String experiment, Instant start) {
        ObjectNode body = ReportJson.MAPPER.createObjectNode();
        body.put("dashboardUID", dashboardUid);
        body.put("time", start.toEpochMilli());
        body.putArray("tags").add("fault-injection").add("run:" + runId);
        body.put("text", "Fault injection " + experiment + " (run " + runId + ")");
        URI uri = HttpDelivery.join(grafanaUrl, "/api/annotations");
        DeliveryResult r = http.send("Grafana annotation POST " + uri, () -> request(uri)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        if (!r.ok()) {
            return new Started(r, OptionalLong.empty());
        }
        try {
            JsonNode id = ReportJson.MAPPER.readTree(r.body()).get("id");
            if (id != null && id.canConvertToLong()) {
                return new Started(r, OptionalLong.of(id.asLong()));
            }
        } catch (JsonProcessingException e) {
            LOG.warn("Grafana answered the annotation POST with a body that is not JSON: {}", e.getOriginalMessage());
        }
        return new Started(DeliveryResult.failed(r.target(), r.status(), r.attempts(),
                "Grafana answered HTTP " + r.status() + " without an annotation id"), OptionalLong.empty());
    }

    /** PATCHes {@code timeEnd} on the annotation {@code id}, turning it into a region. Never throws. */
    public DeliveryResult end(long id, Instant end) {
        ObjectNode body = ReportJson.MAPPER.createObjectNode();
        body.put("timeEnd", end.toEpochMilli());
        URI uri = HttpDelivery.join(grafanaUrl, "/api/annotations/" + id);
        return http.send("Grafana annotation PATCH " + uri, () -> request(uri)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token.reveal())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json");
    }
}
