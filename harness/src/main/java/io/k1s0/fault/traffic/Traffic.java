package io.k1s0.fault.traffic;

import io.restassured.http.Method;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;

/**
 * Entry point of the open-model traffic driver. Requests are described with rest-assured; load is sent by an
 * asynchronous Vert.x HTTP/1.1 engine (rest-assured is a blocking client and cannot hold thousands of
 * requests per second open-model), which sends exactly what the spec describes: method, URI with query
 * parameters, headers, cookies, content type and body. Single probe requests ({@link #probe}) go through an engine
 * like it (one per gate, one connection), one at a time, and hand the predicate a rest-assured {@code Response}.
 *
 * <pre>{@code
 * RequestSpecification orders = new RequestSpecBuilder()
 *         .setBaseUri("http://order-server.k1s0-service").setPort(80).setBasePath("/orders")
 *         .addHeader("x-canary", "false").build();
 * TrafficResult result = Traffic.from(Vantage.viaProxy(URI.create("http://127.0.0.1:15001")))
 *         .send(orders)
 *         .phase("baseline").atRate(200).forDuration(Duration.ofSeconds(10))
 *         .phase("injection").forDuration(Duration.ofSeconds(30))
 *         .maxRequests(20_000)
 *         .run();
 * result.phase("injection").responses(503);
 * }</pre>
 *
 * <p>Instances are immutable; the {@code with}-style setters return copies.
 */
public final class Traffic {

    private final Vantage vantage;
    private final EngineOptions options;

    private Traffic(Vantage vantage, EngineOptions options) {
        this.vantage = vantage;
        this.options = options;
    }

    /** Traffic leaving from {@code vantage}. */
    public static Traffic from(Vantage vantage) {
        if (vantage == null) {
            throw new IllegalArgumentException("Traffic.from vantage: given null; allowed: Vantage.viaProxy(URI) or Vantage.direct()");
        }
        return new Traffic(vantage, EngineOptions.DEFAULTS);
    }

    public Vantage vantage() {
        return vantage;
    }

    /** Longest wait for a connection (TCP connect or a free pooled connection); default 2 s, 1 ms..60 s. */
    public Traffic connectTimeout(Duration timeout) {
        checkDuration("connectTimeout", timeout);
        return new Traffic(vantage, new EngineOptions(timeout, options.requestTimeout(), options.maxConnections(), options.eventLoops()));
    }

    /** Longest silence while waiting for a response; default 10 s, 1 ms..60 s. */
    public Traffic requestTimeout(Duration timeout) {
        checkDuration("requestTimeout", timeout);
        return new Traffic(vantage, new EngineOptions(options.connectTimeout(), timeout, options.maxConnections(), options.eventLoops()));
    }

    /** Upper bound on pooled HTTP/1.1 connections; default 200, allowed 1..10000. */
    public Traffic maxConnections(int connections) {
        if (connections < 1 || connections > 10_000) {
            throw new IllegalArgumentException("maxConnections: given " + connections + "; allowed: 1..10000");
        }
        return new Traffic(vantage, new EngineOptions(options.connectTimeout(), options.requestTimeout(), connections, options.eventLoops()));
    }

    Traffic eventLoops(int loops) {
        if (loops < 1 || loops > 64) {
            throw new IllegalArgumentException("eventLoops: given " + loops + "; allowed: 1..64");
        }
        return new Traffic(vantage, new EngineOptions(options.connectTimeout(), options.requestTimeout(), options.maxConnections(), loops));
    }

    EngineOptions options() {
        return options;
    }

    /** Plans GET load with {@code spec}; the spec is read (and rejected if unsupported) right away. */
    public TrafficPlan send(RequestSpecification spec) {
        return send(Method.GET, spec);
    }

    public TrafficPlan send(Method method, RequestSpecification spec) {
        return new TrafficPlan(this, RequestTemplate.of(method, spec));
    }

    /** Single GET probe requests, one at a time, e.g. for a readiness gate; predicates read a rest-assured Response. */
    public Probe probe(RequestSpecification spec) {
        return probe(Method.GET, spec);
    }

    public Probe probe(Method method, RequestSpecification spec) {
        return new Probe(vantage, RequestTemplate.of(method, spec), spec, options);
    }

    private static void checkDuration(String field, Duration d) {
        if (d == null || d.toMillis() < 1 || d.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException(field + ": given " + d + "; allowed: PT0.001S..PT60S");
        }
    }
}
