package io.k1s0.fault.metrics;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads windows through Prometheus's HTTP API. A window is two instant readings ({@code /api/v1/query} with
 * {@code time=}) of every {@link MeshMetric} series, subtracted with {@link Deltas} — exact counts, not
 * {@code increase()}'s extrapolation. Before a reading, it waits (Awaitility, with a deadline) until Prometheus has
 * scraped every target picked by the coverage selector at or after the moment in question, so the window covers
 * everything sent before {@code close()}. Times are Prometheus's own clock ({@code time()}), so a skewed client
 * clock does not matter.
 */
public final class PrometheusApiSource implements MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusApiSource.class);
    private static final Logger PROMQL = LoggerFactory.getLogger("harness.promql");

    private final URI base;
    private final Selector coverage;
    private final Selector scope;
    private final Duration deadline;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param base Prometheus's root URL, e.g. {@code http://127.0.0.1:9090}
     * @param coverage which {@code up} series must be scraped past a moment before it is read, e.g.
     *     {@code Selector.all().eq("job", "mesh")}
     * @param scope matchers added to every collected series (e.g. a namespace), {@link Selector#all()} for none
     * @param deadline how long to wait for coverage before failing
     */
    public PrometheusApiSource(URI base, Selector coverage, Selector scope, Duration deadline) {
        Objects.requireNonNull(base, "base");
        if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
            throw new IllegalArgumentException("base '" + base + "' is not an absolute http(s) URL; allowed: e.g. "
                    + "http://127.0.0.1:9090");
        }
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.coverage = Objects.requireNonNull(coverage, "coverage");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Override
    public MetricsWindow open() {
        Instant start = awaitScrapedPast(serverTime());
        // read now, before the caller sends traffic: a scrape still in flight cannot leak into the start reading
        RawSeries atStart = read(start);
        return new MetricsWindow() {
            @Override
            public Instant start() {
                return start;
            }

            @Override
            public MeshSnapshot close() {
                // read at the covering moment, not at the call: the scrape that saw the last request came after it
                Instant end = awaitScrapedPast(serverTime());
                return Deltas.between(start, atStart, end, read(end));
            }
        };
    }

    /**
     * The window [start, end] of data already in Prometheus (e.g. a past fault window in staging); waits until
     * Prometheus has scraped past {@code end}. Readings are the latest scrape at or before each moment, so requests
     * after the last scrape before {@code end} are not in the window (use {@link #open()} for exact windows).
     */
    public MeshSnapshot snapshot(Instant start, Instant end) {
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("window end " + end + " is before its start " + start
                    + "; allowed: end >= start");
        }
        awaitScrapedPast(end);
        return Deltas.between(start, read(start), end, read(end));
    }

    @Override
    public String describe() {
        return "prometheus " + base;
    }

    /** Prometheus's clock now, truncated to milliseconds (the precision of its sample timestamps). */
    public Instant serverTime() {
        JsonNode data = get("/api/v1/query", Map.of("query", "time()"));
        return toInstant(data.get("result").get(0).asDouble());
    }

    /**
     * Evaluates {@code promql} at {@code time}: the single value of a scalar or one-element vector, NaN when the
     * result is empty. More than one element is an error (aggregate the query first).
     */
    public double queryValue(String promql, Instant time) {
        List<RangeSeries> v = query(promql, time);
        if (v.isEmpty()) {
            return Double.NaN;
        }
        if (v.size() > 1) {
            throw new IllegalArgumentException("query '" + promql + "' returned " + v.size()
                    + " series; allowed: one (aggregate it, e.g. sum(...))");
        }
        return v.get(0).values().get(0);
    }

    /** Evaluates {@code promql} at {@code time}: one entry per result series (scalars: one entry, no labels). */
    public List<RangeSeries> query(String promql, Instant time) {
        JsonNode data = get("/api/v1/query", Map.of("query", promql, "time", seconds(time)));
        return parseResult(data);
    }

    /** {@code /api/v1/query_range}: the expression's value at every {@code step} between start and end. */
    public List<RangeSeries> queryRange(String promql, Instant start, Instant end, Duration step) {
        if (step.isZero() || step.isNegative()) {
            throw new IllegalArgumentException("step is " + step + "; allowed: a positive duration");
        }
        JsonNode data = get("/api/v1/query_range", Map.of("query", promql, "start", seconds(start),
                "end", seconds(end), "step", String.format(java.util.Locale.ROOT, "%.3f", step.toMillis() / 1000.0)));
        return parseResult(data);
    }

    /** One result series: labels, and its (time, value) points in order. */
    public record RangeSeries(Map<String, String> labels, List<Instant> times, List<Double> values) {}

    private Instant awaitScrapedPast(Instant moment) {
        String lastScrape = "min(timestamp(" + coverage.on("up") + "))";
        String alias = "prometheus " + base + " scraped " + coverage.on("up") + " at or after " + moment;
        await(alias).atMost(deadline).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    double ts = queryValue(lastScrape, serverTime());
                    return !Double.isNaN(ts) && ts * 1000 >= moment.toEpochMilli();
                });
        return serverTime();
    }

    RawSeries read(Instant time) {
        RawSeries raw = new RawSeries();
        for (MeshMetric m : MeshMetric.values()) {
            for (RangeSeries s : query(scope.on(m.seriesName()), time)) {
                Map<String, String> labels = new TreeMap<>(s.labels());
                labels.remove("__name__");
                raw.put(m.seriesName(), labels, s.values().get(0));
            }
        }
        LOG.debug("read {} series from {} at {}", raw.size(), base, time);
        return raw;
    }

    private List<RangeSeries> parseResult(JsonNode data) {
        String type = data.path("resultType").asText();
        JsonNode result = data.get("result");
        List<RangeSeries> out = new ArrayList<>();
        if (type.equals("scalar")) {
            out.add(point(Map.of(), result));
            return out;
        }
        for (JsonNode r : result) {
            Map<String, String> labels = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("metric").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                labels.put(e.getKey(), e.getValue().asText());
            }
            if (r.has("value")) {
                out.add(point(labels, r.get("value")));
            } else {
                List<Instant> times = new ArrayList<>();
                List<Double> values = new ArrayList<>();
                for (JsonNode p : r.get("values")) {
                    times.add(toInstant(p.get(0).asDouble()));
                    values.add(PromNumbers.parse(p.get(1).asText()));
                }
                out.add(new RangeSeries(Collections.unmodifiableMap(labels), List.copyOf(times), List.copyOf(values)));
            }
        }
        return out;
    }

    private static RangeSeries point(Map<String, String> labels, JsonNode pair) {
        return new RangeSeries(Collections.unmodifiableMap(labels), List.of(toInstant(pair.get(0).asDouble())),
                List.of(PromNumbers.parse(pair.get(1).asText())));
    }

    private JsonNode get(String path, Map<String, String> params) {
        StringBuilder q = new StringBuilder();
        new TreeMap<>(params).forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        URI uri = URI.create(base + path + q);
        PROMQL.debug("GET {}", uri);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = json.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("prometheus " + path + " " + params + " failed: HTTP "
                        + response.statusCode() + ", " + body.path("errorType").asText() + ": "
                        + body.path("error").asText());
            }
            return body.get("data");
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus " + uri + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while querying " + uri, e);
        }
    }

    private static String seconds(Instant t) {
        return String.format(java.util.Locale.ROOT, "%d.%03d", t.getEpochSecond(), t.getNano() / 1_000_000);
    }

    private static Instant toInstant(double seconds) {
        return Instant.ofEpochMilli(Math.round(seconds * 1000));
    }
}
