package io.k1s0.fault.traffic;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous HTTP/1.1 engine under the load driver: one private Vert.x instance with a pooled
 * {@link HttpClient}. rest-assured is blocking and cannot hold thousands of requests per second open-model,
 * so it only describes requests; this engine sends exactly that description. Through a {@link ProxyVantage}
 * Vert.x writes the absolute-form target to the proxy for plain-http requests.
 */
final class HttpEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpEngine.class);

    /** How one exchange ended; called on an event-loop thread. */
    interface Outcome {
        /** @param writtenNanos when a connection was held and the request was written */
        void onResponse(int status, long writtenNanos, long endNanos);

        void onError(TransportError kind, Throwable failure, long endNanos);
    }

    private static final Handler<Buffer> DISCARD = chunk -> { };

    private final Vertx vertx;
    private final HttpClient client;
    private final List<Context> contexts;

    HttpEngine(Vantage vantage, EngineOptions options) {
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops())
                .setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
        HttpClientOptions clientOptions = new HttpClientOptions()
                .setKeepAlive(true)
                .setConnectTimeout((int) options.connectTimeout().toMillis())
                .setTcpNoDelay(true);
        if (vantage instanceof ProxyVantage proxy) {
            clientOptions.setProxyOptions(new ProxyOptions().setType(ProxyType.HTTP).setHost(proxy.host()).setPort(proxy.port()));
        }
        this.client = vertx.httpClientBuilder()
                .with(clientOptions)
                .with(new PoolOptions().setHttp1MaxSize(options.maxConnections()).setEventLoopSize(options.eventLoops()))
                // Connection failures are counted per request; without a handler Vert.x logs each at ERROR.
                .withConnectHandler(conn -> conn.exceptionHandler(e -> LOG.trace("Connection error: {}", e.toString())))
                .build();
        List<Context> loops = new ArrayList<>();
        for (int i = 0; i < options.eventLoops(); i++) {
            loops.add(vertx.getOrCreateContext());
        }
        this.contexts = List.copyOf(loops);
        warmUp(options);
    }

    /**
     * Runs the whole client path once against a throw-away server on 127.0.0.1 inside this engine's own
     * Vert.x, so class loading and event-loop start-up happen before the first arrival slot rather than
     * delaying it. No request reaches the target or the proxy.
     */
    private void warmUp(EngineOptions options) {
        HttpClient local = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
        try {
            io.vertx.core.http.HttpServer server = vertx.createHttpServer()
                    .requestHandler(req -> req.response().end()).listen(0, "127.0.0.1")
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            RequestTemplate probe = new RequestTemplate("GET", java.net.URI.create("http://127.0.0.1:" + server.actualPort() + "/"),
                    List.of(), new byte[0]);
            for (Context loop : contexts) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                loop.runOnContext(v -> local.request(optionsFor(probe, options))
                        .compose(req -> req.send()).compose(HttpClientResponse::body)
                        .onComplete(ar -> done.complete(null)));
                done.get(10, TimeUnit.SECONDS);
            }
            server.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("Engine warm-up did not complete; the first requests may be dispatched late", e);
        } finally {
            local.close();
        }
    }

    /** Event-loop contexts to dispatch on; {@link #send} must be called from one of them. */
    List<Context> contexts() {
        return contexts;
    }

    /** Options for one template, built once and reused for every request (the client only reads them). */
    static RequestOptions optionsFor(RequestTemplate template, EngineOptions options) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (Map.Entry<String, String> h : template.headers()) {
            headers.add(h.getKey(), h.getValue());
        }
        return new RequestOptions()
                .setMethod(HttpMethod.valueOf(template.method()))
                .setHost(template.uri().getHost())
                .setPort(template.port())
                .setSsl(false)
                .setURI(template.pathAndQuery())
                .setHeaders(headers)
                .setFollowRedirects(false)
                .setConnectTimeout(options.connectTimeout().toMillis())
                .setIdleTimeout(options.requestTimeout().toMillis());
    }

    void send(RequestOptions request, byte[] body, Outcome outcome) {
        // Callback forms rather than Future chains: fewer allocations per request on the hot path.
        client.request(request, connected -> {
            if (connected.failed()) {
                fail(outcome, TransportError.Stage.CONNECT, connected.cause());
                return;
            }
            HttpClientRequest req = connected.result();
            long written = System.nanoTime();
            Handler<AsyncResult<HttpClientResponse>> onResponse = answered -> {
                if (answered.failed()) {
                    fail(outcome, TransportError.Stage.RESPONSE, answered.cause());
                    return;
                }
                HttpClientResponse response = answered.result();
                int status = response.statusCode();
                response.handler(DISCARD).end(ended -> {
                    if (ended.failed()) {
                        fail(outcome, TransportError.Stage.RESPONSE, ended.cause());
                    } else {
                        outcome.onResponse(status, written, System.nanoTime());
                    }
                });
            };
            if (body.length == 0) {
                req.send(onResponse);
            } else {
                req.send(Buffer.buffer(body), onResponse);
            }
        });
    }

    /** One whole exchange, kept for a probe's predicate: the status line, the headers in order and the body. */
    record Exchange(String version, int status, String reason, List<Map.Entry<String, String>> headers, byte[] body,
                    long elapsedNanos) { }

    /** A probe's request that got no response: how it failed, classified like the load's errors. */
    static final class ExchangeFailure extends Exception {
        private final TransportError kind;

        ExchangeFailure(TransportError kind, Throwable cause) {
            super(cause.getMessage(), cause);
            this.kind = kind;
        }

        TransportError kind() {
            return kind;
        }
    }

    /**
     * Sends one request and reads the whole response, for probes; the elapsed time runs from asking the pool for a
     * connection to the last byte, as a blocking client measures it. Fails with an {@link ExchangeFailure}. Cancelling
     * the future resets the request, so a response that trickles on does not keep the connection from the next one.
     */
    CompletableFuture<Exchange> exchange(RequestOptions request, byte[] body) {
        CompletableFuture<Exchange> done = new CompletableFuture<>();
        contexts.get(0).runOnContext(v -> {
            long start = System.nanoTime();
            client.request(request, connected -> {
                if (connected.failed()) {
                    done.completeExceptionally(new ExchangeFailure(
                            TransportError.classify(TransportError.Stage.CONNECT, connected.cause()), connected.cause()));
                    return;
                }
                HttpClientRequest req = connected.result();
                done.whenComplete((exchange, failure) -> {
                    if (done.isCancelled()) {
                        req.reset();
                    }
                });
                Handler<AsyncResult<HttpClientResponse>> onResponse = answered -> {
                    if (answered.failed()) {
                        done.completeExceptionally(new ExchangeFailure(
                                TransportError.classify(TransportError.Stage.RESPONSE, answered.cause()), answered.cause()));
                        return;
                    }
                    HttpClientResponse response = answered.result();
                    List<Map.Entry<String, String>> headers = new ArrayList<>();
                    response.headers().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
                    response.body(read -> {
                        if (read.failed()) {
                            done.completeExceptionally(new ExchangeFailure(
                                    TransportError.classify(TransportError.Stage.RESPONSE, read.cause()), read.cause()));
                        } else {
                            done.complete(new Exchange(response.version().alpnName().toUpperCase(java.util.Locale.ROOT),
                                    response.statusCode(), response.statusMessage(), List.copyOf(headers),
                                    read.result().getBytes(), System.nanoTime() - start));
                        }
                    });
                };
                if (body.length == 0) {
                    req.send(onResponse);
                } else {
                    req.send(Buffer.buffer(body), onResponse);
                }
            });
        });
        return done;
    }

    private static void fail(Outcome outcome, TransportError.Stage stage, Throwable cause) {
        TransportError kind = TransportError.classify(stage, cause);
        if (kind == TransportError.OTHER) {
            LOG.debug("Unclassified transport error", cause);
        }
        outcome.onError(kind, cause, System.nanoTime());
    }

    @Override
    public void close() {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("HTTP client close did not finish cleanly", e);
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Vert.x engine did not close within 5 s: {}", e.toString());
        }
    }
}
