package io.k1s0.fault.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prometheus' HTTP query API ({@code /api/v1/query}, {@code /api/v1/query_range}) as the dashboard's panels call it. */
final class PrometheusHttpApi {

    record Point(double time, double value) {
    }

    record Series(Map<String, String> labels, List<Point> points) {
        List<Point> finite() {
            return points.stream().filter(p -> Double.isFinite(p.value())).toList();
        }
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    PrometheusHttpApi(URI base) {
        this.base = base;
    }

    /** {@code query_range} from {@code start} to {@code end}; an error status or a query error throws with the query. */
    List<Series> range(String expr, Instant start, Instant end, Duration step) {
        return series(get("/api/v1/query_range", Map.of("query", expr, "start", seconds(start), "end", seconds(end),
                "step", seconds(step.toMillis()))), expr);
    }

    /** An instant query at {@code time}. */
    List<Series> instant(String expr, Instant time) {
        return series(get("/api/v1/query", Map.of("query", expr, "time", seconds(time))), expr);
    }

    /** The values of {@code label} over the series matching {@code match}, as a Grafana label_values() variable asks. */
    List<String> labelValues(String label, String match, Instant start, Instant end) {
        JsonNode data = get("/api/v1/label/" + label + "/values",
                Map.of("match[]", match, "start", seconds(start), "end", seconds(end))).path("data");
        List<String> values = new ArrayList<>();
        data.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<Series> series(JsonNode body, String expr) {
        JsonNode data = body.path("data");
        List<Series> result = new ArrayList<>();
        for (JsonNode s : data.path("result")) {
            Map<String, String> labels = new LinkedHashMap<>();
            s.path("metric").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            List<Point> points = new ArrayList<>();
            if (s.has("values")) {
                s.get("values").forEach(v -> points.add(point(v)));
            } else if (s.has("value")) {
                points.add(point(s.get("value")));
            } else {
                throw new IllegalStateException("result of '" + expr + "' is not a vector or matrix: " + data);
            }
            result.add(new Series(labels, points));
        }
        return result;
    }

    private static Point point(JsonNode pair) {
        return new Point(pair.get(0).asDouble(), Double.parseDouble(pair.get(1).asText()
                .replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
    }

    private JsonNode get(String path, Map<String, String> params) {
        StringBuilder query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        URI uri = base.resolve(path + query);
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("Prometheus " + path + " " + params + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return body;
        } catch (IOException e) {
            throw new IllegalStateException("Prometheus " + uri + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying " + uri, e);
        }
    }

    private static String seconds(Instant t) {
        return seconds(t.toEpochMilli());
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }
}
