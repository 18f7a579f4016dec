package io.k1s0.fault.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the sidecars' Prometheus text endpoints directly (e.g. {@code :15090/stats/prometheus}): one scrape of every
 * target at window open, one at close, window = deltas ({@link Deltas}). Each series gets the {@code job} and
 * {@code instance} labels Prometheus would attach, and loses its empty-valued labels as Prometheus's ingestion does
 * (an empty value means "no label": Istio's {@code grpc_response_status=""} on HTTP requests is absent in Prometheus),
 * so label sets look the same as through {@link PrometheusApiSource}.
 * Because the readings are taken at the calls themselves, no waiting for coverage is needed.
 */
public final class ScrapeSource implements MetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeSource.class);
    private static final Set<String> COLLECTED = collected();

    private final String job;
    private final List<URI> targets;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param job the {@code job} label to attach (what Prometheus's scrape config would call these targets)
     * @param targets the text endpoints, each {@code http(s)://host:port/path}
     */
    public ScrapeSource(String job, List<URI> targets, Duration timeout) {
        Objects.requireNonNull(job, "job");
        if (targets == null || targets.isEmpty()) {
            throw new IllegalArgumentException("targets is " + targets + "; allowed: one or more http(s) URIs");
        }
        for (URI t : targets) {
            if (t.getScheme() == null || !(t.getScheme().equals("http") || t.getScheme().equals("https"))
                    || t.getHost() == null) {
                throw new IllegalArgumentException("target '" + t + "' is not an absolute http(s) URI; allowed: e.g. "
                        + "http://127.0.0.1:15090/stats/prometheus");
            }
        }
        this.job = job;
        this.targets = List.copyOf(targets);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public MetricsWindow open() {
        Instant start = Instant.now();
        RawSeries atStart = scrapeAll();
        return new MetricsWindow() {
            @Override
            public Instant start() {
                return start;
            }

            @Override
            public MeshSnapshot close() {
                Instant end = Instant.now();
                return Deltas.between(start, atStart, end, scrapeAll());
            }
        };
    }

    @Override
    public String describe() {
        return "scrape " + targets;
    }

    RawSeries scrapeAll() {
        RawSeries raw = new RawSeries();
        for (URI target : targets) {
            String body = fetch(target);
            TextFormatParser.Exposition exposition;
            try {
                exposition = TextFormatParser.parse(body);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("scrape of " + target + " returned an invalid exposition: "
                        + e.getMessage(), e);
            }
            String instance = target.getHost() + ":" + target.getPort();
            int kept = 0;
            for (TextFormatParser.Sample s : exposition.samples) {
                if (COLLECTED.contains(s.name)) {
                    Map<String, String> labels = new HashMap<>(s.labels);
                    labels.values().removeIf(String::isEmpty);
                    labels.put("job", job);
                    labels.put("instance", instance);
                    raw.put(s.name, labels, s.value);
                    kept++;
                }
            }
            LOG.debug("scraped {}: {} samples, {} kept", target, exposition.samples.size(), kept);
        }
        return raw;
    }

    private String fetch(URI target) {
        HttpRequest request = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Accept", "text/plain;version=0.0.4").GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("scrape of " + target + " answered HTTP " + response.statusCode()
                        + "; expected 200 with the Prometheus text format");
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("scrape of " + target + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scraping " + target, e);
        }
    }

    private static Set<String> collected() {
        Set<String> names = new HashSet<>();
        for (MeshMetric m : MeshMetric.values()) {
            names.add(m.seriesName());
        }
        return Set.copyOf(names);
    }
}
