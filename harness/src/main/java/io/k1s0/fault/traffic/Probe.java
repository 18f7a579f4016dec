package io.k1s0.fault.traffic;

import static org.awaitility.Awaitility.await;

import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.restassured.specification.SpecificationQuerier;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single probe requests, one per poll, until enough responses match a predicate: the readiness gate that proves a
 * fault is live before measuring. Waiting uses Awaitility with a deadline. The request is described with rest-assured
 * and the predicate reads a rest-assured {@link Response}; the request itself goes through the load driver's Vert.x
 * engine (one per gate, like the load's: one event loop, one kept-alive connection), so a probe costs about what
 * one load request costs: 5-10 ms through a sidecar here, where a rest-assured request, with a new client and
 * connection each time, took 15-90 ms. The spec is read as the load reads it (the same features; filters, auth,
 * forms and https are rejected when the probe is made) and the response is decoded with the spec's config.
 * Redirects are not followed. An exception thrown by the predicate ends the gate and reaches the caller.
 *
 * <pre>{@code
 * ProbeResult seen = traffic.probe(orders)
 *         .atMost(Duration.ofSeconds(30))
 *         .untilSeen("an injected 503", r -> r.statusCode() == 503 && "FI".equals(r.header("x-response-flags")));
 * }</pre>
 */
public final class Probe {

    private static final Logger LOG = LoggerFactory.getLogger(Probe.class);

    private final Vantage vantage;
    private final RequestTemplate template;
    /** What the response is decoded with: the spec's own config, as rest-assured would use it. */
    private final RestAssuredConfig config;
    private final EngineOptions options;
    private Duration atMost = Duration.ofSeconds(30);
    private Duration every = Duration.ofMillis(100);

    Probe(Vantage vantage, RequestTemplate template, RequestSpecification spec, EngineOptions options) {
        this.vantage = vantage;
        this.template = template;
        RestAssuredConfig specConfig = SpecificationQuerier.query(spec).getConfig();
        this.config = specConfig == null ? RestAssuredConfig.config() : specConfig;
        this.options = options;
    }

    /** Deadline for the whole gate; default 30 s, allowed 1 ms..30 min. */
    public Probe atMost(Duration deadline) {
        if (deadline == null || deadline.toMillis() < 1 || deadline.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("Probe.atMost: given " + deadline + "; allowed: PT0.001S..PT30M");
        }
        this.atMost = deadline;
        return this;
    }

    /** Pause between probes; default 100 ms, allowed 0..60 s. */
    public Probe every(Duration interval) {
        if (interval == null || interval.isNegative() || interval.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("Probe.every: given " + interval + "; allowed: PT0S..PT60S");
        }
        this.every = interval;
        return this;
    }

    /** Probes until one response matches. */
    public ProbeResult untilSeen(String description, Predicate<Response> match) {
        return untilSeen(description, match, 1);
    }

    /**
     * Probes until {@code times} responses matched {@code match}.
     *
     * @throws ProbeTimeoutException when the deadline passes first; its message says what was seen instead
     */
    public ProbeResult untilSeen(String description, Predicate<Response> match, int times) {
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("Probe.untilSeen description: given '" + description + "'; allowed: a non-blank phrase");
        }
        if (match == null) {
            throw new IllegalArgumentException("Probe.untilSeen match: given null; allowed: a Predicate<Response>");
        }
        if (times < 1) {
            throw new IllegalArgumentException("Probe.untilSeen times: given " + times + "; allowed: >= 1");
        }
        ProbeResult.Builder seen = new ProbeResult.Builder(description, template.method() + " " + template.uri(), vantage.toString());
        // One event loop and one kept-alive connection: the probes go one at a time, like a blocking client's.
        EngineOptions probeOptions = new EngineOptions(options.connectTimeout(), options.requestTimeout(), 1, 1);
        try (HttpEngine engine = new HttpEngine(vantage, probeOptions)) {
            RequestOptions request = HttpEngine.optionsFor(template, probeOptions);
            await("probe until " + description)
                    .atMost(atMost)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(every.isZero() ? Duration.ofMillis(1) : every)
                    .until(() -> probeOnce(engine, request, seen, match) >= times);
        } catch (ConditionTimeoutException e) {
            ProbeResult result = seen.build(false, times);
            throw new ProbeTimeoutException("Probe gate '" + description + "' not met within " + atMost + ": " + result.describe(), result, e);
        }
        return seen.build(true, times);
    }

    private long probeOnce(HttpEngine engine, RequestOptions request, ProbeResult.Builder seen, Predicate<Response> match)
            throws InterruptedException {
        seen.sending();
        // The engine's idle timeout ends a silent exchange; this bound also ends one that trickles on.
        long bound = options.connectTimeout().plus(options.requestTimeout()).plusSeconds(1).toMillis();
        CompletableFuture<HttpEngine.Exchange> exchanged = engine.exchange(request, template.body());
        HttpEngine.Exchange exchange;
        try {
            exchange = exchanged.get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpEngine.ExchangeFailure failure) {
                if (failure.kind() == TransportError.OTHER) {
                    LOG.debug("Unclassified transport error of a probe", failure.getCause());
                }
                return seen.error(failure.kind(), failure.getCause());
            }
            return seen.error(TransportError.OTHER, e.getCause());
        } catch (TimeoutException e) {
            exchanged.cancel(false); // resets the request: the probe's one connection is free for the next probe
            return seen.error(TransportError.RESPONSE_TIMEOUT, e);
        }
        Response response = RestAssuredView.of(exchange, config);
        return seen.response(response, match.test(response));
    }
}
