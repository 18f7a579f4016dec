package io.k1s0.fault.localmesh;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One replica's application: an in-JVM HTTP server answering Fortio's echo parameters on any path, so the
 * same requests work against {@code fortio server} on a real cluster. Every response names the replica
 * ({@code x-workload}, {@code x-version}, {@code x-pod}) and echoes the {@code x-envoy-attempt-count} it saw
 * as {@code x-seen-attempt-count}.
 */
final class EchoServer {
    static final String WORKLOAD_HEADER = "x-workload";
    static final String VERSION_HEADER = "x-version";
    static final String POD_HEADER = "x-pod";
    static final String SEEN_ATTEMPT_COUNT_HEADER = "x-seen-attempt-count";
    static final String ATTEMPT_COUNT_HEADER = "x-envoy-attempt-count";

    private final Vertx vertx;
    private final String workload;
    private final String version;
    private final String pod;
    private final EchoBehaviour defaults;
    private HttpServer server;

    EchoServer(Vertx vertx, String workload, String version, String pod, EchoBehaviour defaults) {
        this.vertx = vertx;
        this.workload = workload;
        this.version = version;
        this.pod = pod;
        this.defaults = defaults;
    }

    Future<Integer> start() {
        server = vertx.createHttpServer(PodEventLoop.listenerOptions());
        return server.requestHandler(this::handle).listen().map(HttpServer::actualPort);
    }

    int port() {
        return server.actualPort();
    }

    /**
     * What the app answers to one request. {@code reset}: it closed the connection without answering;
     * {@code closeAfter}: it closes the connection after answering (Fortio's {@code close=}).
     */
    record Reply(int status, MultiMap headers, Buffer body, boolean reset, boolean closeAfter) {}

    /**
     * Answers one request in-process. The replica's inbound sidecar calls this directly instead of going
     * through a loopback socket: in one JVM the socket adds cost and nothing a test can observe, since the
     * connection-level outcomes (reset, close) are part of the {@link Reply}.
     *
     * @param uri the origin-form request target ({@code /path?query})
     */
    Future<Reply> serve(String uri, MultiMap headers, Buffer body) {
        int q = uri.indexOf('?');
        EchoBehaviour behaviour;
        try {
            behaviour = EchoBehaviour.parse(q < 0 ? "" : uri.substring(q + 1), defaults);
        } catch (IllegalArgumentException e) {
            MultiMap h = MultiMap.caseInsensitiveMultiMap().add(WORKLOAD_HEADER, workload);
            return Future.succeededFuture(new Reply(400, h, Buffer.buffer("echo: " + e.getMessage() + "\n"), false, false));
        }
        Duration delay = EchoBehaviour.draw(behaviour.delay(), ThreadLocalRandom.current().nextDouble(100));
        if (delay == null || delay.isZero()) {
            return Future.succeededFuture(reply(behaviour, headers, body));
        }
        Promise<Reply> later = Promise.promise();
        vertx.setTimer(Math.max(1, delay.toMillis()), t -> later.complete(reply(behaviour, headers, body)));
        return later.future();
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> serve(request.uri(), request.headers(), body).onSuccess(reply -> {
            if (reply.reset()) {
                request.connection().close();
                return;
            }
            request.response().setStatusCode(reply.status()).headers().addAll(reply.headers());
            if (reply.closeAfter()) {
                request.response().putHeader("connection", "close");
            }
            request.response().end(reply.body()).onComplete(done -> {
                if (reply.closeAfter()) {
                    request.connection().close();
                }
            });
        }));
    }

    private Reply reply(EchoBehaviour behaviour, MultiMap requestHeaders, Buffer requestBody) {
        if (behaviour.reset()) {
            return new Reply(0, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(), true, false);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Integer status = EchoBehaviour.draw(behaviour.status(), random.nextDouble(100));
        Integer size = EchoBehaviour.draw(behaviour.size(), random.nextDouble(100));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add(WORKLOAD_HEADER, workload)
                .add(VERSION_HEADER, version)
                .add(POD_HEADER, pod)
                .add("content-type", size == null ? contentType(requestHeaders) : "text/plain; charset=UTF-8");
        String attempts = requestHeaders.get(ATTEMPT_COUNT_HEADER);
        if (attempts != null) {
            headers.add(SEEN_ATTEMPT_COUNT_HEADER, attempts);
        }
        for (Map.Entry<String, String> h : behaviour.headers()) {
            headers.add(h.getKey(), h.getValue());
        }
        boolean close = behaviour.closeAfterPercent() > 0 && random.nextDouble(100) < behaviour.closeAfterPercent();
        return new Reply(status == null ? 200 : status, headers, size == null ? requestBody : payload(size), false, close);
    }

    private static String contentType(MultiMap requestHeaders) {
        String ct = requestHeaders.get("content-type");
        return ct == null ? "application/octet-stream" : ct;
    }

    private static Buffer payload(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        return Buffer.buffer(bytes);
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
