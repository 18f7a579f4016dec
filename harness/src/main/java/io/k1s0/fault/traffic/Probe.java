package io.k1s0.fault.traffic;

import static org.awaitility.Awaitility.await;

import io.restassured.RestAssured;
import io.restassured.config.RestAssuredConfig;
import io.restassured.http.Method;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.restassured.specification.SpecificationQuerier;
import java.time.Duration;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Single probe requests through rest-assured, one per poll, until enough responses match a predicate: the
 * readiness gate that proves a fault is live before measuring. Waiting uses Awaitility with a deadline.
 *
 * <pre>{@code
 * ProbeResult seen = traffic.probe(orders)
 *         .atMost(Duration.ofSeconds(30))
 *         .untilSeen("an injected 503", r -> r.statusCode() == 503 && "FI".equals(r.header("x-response-flags")));
 * }</pre>
 */
public final class Probe {

    private final Vantage vantage;
    private final Method method;
    private final RequestSpecification spec;
    private final EngineOptions options;
    private Duration atMost = Duration.ofSeconds(30);
    private Duration every = Duration.ofMillis(100);

    Probe(Vantage vantage, Method method, RequestSpecification spec, EngineOptions options) {
        this.vantage = vantage;
        this.method = method;
        this.spec = spec;
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
        ProbeResult.Builder seen = new ProbeResult.Builder(description, method + " " + SpecificationQuerier.query(spec).getURI(), vantage.toString());
        try {
            await("probe until " + description)
                    .atMost(atMost)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(every.isZero() ? Duration.ofMillis(1) : every)
                    .until(() -> probeOnce(seen, match) >= times);
        } catch (ConditionTimeoutException e) {
            ProbeResult result = seen.build(false, times);
            throw new ProbeTimeoutException("Probe gate '" + description + "' not met within " + atMost + ": " + result.describe(), result, e);
        }
        return seen.build(true, times);
    }

    private long probeOnce(ProbeResult.Builder seen, Predicate<Response> match) {
        int connectMillis = (int) options.connectTimeout().toMillis();
        int socketMillis = (int) options.requestTimeout().toMillis();
        RestAssuredConfig base = SpecificationQuerier.query(spec).getConfig();
        RestAssuredConfig config = (base == null ? RestAssuredConfig.config() : base).httpClient(
                (base == null ? RestAssuredConfig.config() : base).getHttpClientConfig()
                        .setParam("http.connection.timeout", connectMillis)
                        .setParam("http.socket.timeout", socketMillis));
        RequestSpecification request = RestAssured.given().spec(spec).config(config);
        if (vantage instanceof ProxyVantage proxy) {
            request = request.proxy(proxy.host(), proxy.port());
        }
        seen.sending();
        try {
            Response response = request.request(method);
            return seen.response(response, match.test(response));
        } catch (Exception e) {
            // rest-assured rethrows I/O failures unchecked-by-stealth; classify them like the load engine does.
            return seen.error(TransportError.classify(TransportError.Stage.RESPONSE, e), e);
        }
    }
}
