package io.k1s0.fault.localmesh;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A replica's inbound listener for tests: a Vert.x server on 127.0.0.1 that follows a script (one action per
 * request, then a default) and records what it received.
 */
final class FakeUpstream implements AutoCloseable {

    /** One request as it arrived; {@code headers} has every header, names lower-cased. */
    record Received(String path, String host, String attemptCount, String header, long atNanos, Map<String, String> headers) {}

    private final Vertx vertx;
    private final HttpServer server;
    final String pod;
    final Map<String, String> labels;
    private final Queue<Consumer<HttpServerRequest>> script = new ConcurrentLinkedQueue<>();
    private volatile Consumer<HttpServerRequest> fallback = FakeUpstream.status(200);
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();

    private FakeUpstream(Vertx vertx, String pod, Map<String, String> labels) throws Exception {
        this.vertx = vertx;
        this.pod = pod;
        this.labels = labels;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(this::onRequest)
                .listen()
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static FakeUpstream start(Vertx vertx, String pod, Map<String, String> labels) {
        try {
            return new FakeUpstream(vertx, pod, labels);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start fake upstream " + pod, e);
        }
    }

    private void onRequest(HttpServerRequest request) {
        received.add(new Received(request.path(), request.getHeader("host"), request.getHeader("x-envoy-attempt-count"),
                request.getHeader("x-test"), System.nanoTime(), lowerCased(request.headers())));
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        // Vert.x calls the response's end handler also when the connection closes first: count each request out once.
        AtomicBoolean out = new AtomicBoolean();
        Runnable countOut = () -> {
            if (out.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        request.response().endHandler(v -> countOut.run());
        request.connection().closeHandler(v -> countOut.run());
        Consumer<HttpServerRequest> action = script.poll();
        (action == null ? fallback : action).accept(request);
    }

    private static Map<String, String> lowerCased(io.vertx.core.MultiMap headers) {
        Map<String, String> m = new java.util.TreeMap<>();
        headers.forEach(e -> m.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        return m;
    }

    int port() {
        return server.actualPort();
    }

    Endpoint endpoint(String namespace, String workload) {
        return new Endpoint(pod, namespace, workload, labels, "127.0.0.1", port());
    }

    /** The next requests get these actions in order; later ones get the fallback. */
    @SafeVarargs
    final FakeUpstream then(Consumer<HttpServerRequest>... actions) {
        script.addAll(List.of(actions));
        return this;
    }

    FakeUpstream always(Consumer<HttpServerRequest> action) {
        fallback = action;
        return this;
    }

    int count() {
        return received.size();
    }

    static Consumer<HttpServerRequest> status(int code) {
        return r -> r.response().setStatusCode(code).putHeader("x-served-by", r.localAddress().port() + "").end("status " + code);
    }

    static Consumer<HttpServerRequest> statusWithHeader(int code, String name, String value) {
        return r -> r.response().setStatusCode(code).putHeader(name, value).end();
    }

    Consumer<HttpServerRequest> delayed(Duration delay, int code) {
        return r -> vertx.setTimer(delay.toMillis(), id -> {
            if (!r.response().closed()) {
                r.response().setStatusCode(code).end("late " + code);
            }
        });
    }

    /** Closes the connection without a response (Envoy: connection termination, UC). */
    static Consumer<HttpServerRequest> reset() {
        return r -> r.connection().close();
    }

    /** Never answers (until the client gives up). */
    static Consumer<HttpServerRequest> hang() {
        return r -> { };
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
