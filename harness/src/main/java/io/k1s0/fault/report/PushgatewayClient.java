package io.k1s0.fault.report;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces the group {@code job="fault-injection-weekly"} on a Pushgateway with the run summary ({@code PUT}).
 * The grouping key never carries a run id (the gateway has no TTL; a group per run would live forever); extra
 * grouping labels are allowed but the dashboard's contract uses {@code job} alone.
 */
public final class PushgatewayClient {

    public static final String JOB = "fault-injection-weekly";
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private final URI baseUrl;
    private final Map<String, String> groupingLabels;
    private final HttpDelivery http;

    public PushgatewayClient(URI baseUrl, Map<String, String> groupingLabels, HttpSettings settings) {
        if (baseUrl == null || !("http".equals(baseUrl.getScheme()) || "https".equals(baseUrl.getScheme()))) {
            throw new IllegalArgumentException("pushgateway url is '" + baseUrl + "'; allowed: an http:// or https:// URL");
        }
        for (Map.Entry<String, String> l : groupingLabels.entrySet()) {
            if (!LABEL_NAME.matcher(l.getKey()).matches() || "job".equals(l.getKey())) {
                throw new IllegalArgumentException("grouping label name is '" + l.getKey()
                        + "'; allowed: a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*) other than job");
            }
            if (l.getKey().contains("run") || l.getValue().isEmpty()) {
                throw new IllegalArgumentException("grouping label " + l.getKey() + "='" + l.getValue()
                        + "' is not allowed: no run id in the grouping key and no empty values");
            }
        }
        this.baseUrl = baseUrl;
        this.groupingLabels = new LinkedHashMap<>(groupingLabels);
        this.http = new HttpDelivery(settings);
    }

    /** {@code <url>/metrics/job/fault-injection-weekly[/<label>/<value>...]}; values are base64url-encoded when needed. */
    URI groupUri() {
        StringBuilder path = new StringBuilder("/metrics/job/").append(JOB);
        groupingLabels.forEach((k, v) -> {
            if (v.contains("/")) {
                path.append('/').append(k).append("@base64/")
                        .append(Base64.getUrlEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
            } else {
                path.append('/').append(k).append('/').append(URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        });
        return HttpDelivery.join(baseUrl, path.toString());
    }

    /** PUTs the summary; the result says whether it arrived. Never throws. */
    public DeliveryResult push(RunReport report) {
        String body = PushgatewayPayload.render(report);
        URI uri = groupUri();
        return http.send("Pushgateway " + uri, () -> HttpRequest.newBuilder(uri)
                .header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }
}
