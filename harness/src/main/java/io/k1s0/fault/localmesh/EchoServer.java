package io.k1s0.fault.localmesh;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
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
        server = vertx.createHttpServer(new HttpServerOptions().setHost(WorkloadPods.POD_IP).setPort(0).setHttp2ClearTextEnabled(false));
        return server.requestHandler(this::handle).listen().map(HttpServer::actualPort);
    }

    int port() {
        return server.actualPort();
    }

    private void handle(HttpServerRequest request) {
        EchoBehaviour behaviour;
        try {
            behaviour = EchoBehaviour.parse(request.query(), defaults);
        } catch (IllegalArgumentException e) {
            request.response().setStatusCode(400).putHeader(WORKLOAD_HEADER, workload).end("echo: " + e.getMessage() + "\n");
            return;
        }
        request.body().onComplete(body -> {
            if (body.failed()) {
                return;
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Duration delay = EchoBehaviour.draw(behaviour.delay(), random.nextDouble(100));
            if (delay == null || delay.isZero()) {
                respond(request, behaviour, body.result());
            } else {
                vertx.setTimer(Math.max(1, delay.toMillis()), t -> respond(request, behaviour, body.result()));
            }
        });
    }

    private void respond(HttpServerRequest request, EchoBehaviour behaviour, Buffer requestBody) {
        if (behaviour.reset()) {
            request.connection().close();
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Integer status = EchoBehaviour.draw(behaviour.status(), random.nextDouble(100));
        Integer size = EchoBehaviour.draw(behaviour.size(), random.nextDouble(100));
        var response = request.response()
                .setStatusCode(status == null ? 200 : status)
                .putHeader(WORKLOAD_HEADER, workload)
                .putHeader(VERSION_HEADER, version)
                .putHeader(POD_HEADER, pod)
                .putHeader("content-type", size == null ? contentType(request) : "text/plain; charset=UTF-8");
        String attempts = request.getHeader(ATTEMPT_COUNT_HEADER);
        if (attempts != null) {
            response.putHeader(SEEN_ATTEMPT_COUNT_HEADER, attempts);
        }
        for (Map.Entry<String, String> h : behaviour.headers()) {
            response.headers().add(h.getKey(), h.getValue());
        }
        boolean close = behaviour.closeAfterPercent() > 0 && random.nextDouble(100) < behaviour.closeAfterPercent();
        if (close) {
            response.putHeader("connection", "close");
        }
        response.end(size == null ? requestBody : payload(size)).onComplete(done -> {
            if (close) {
                request.connection().close();
            }
        });
    }

    private static String contentType(HttpServerRequest request) {
        String ct = request.getHeader("content-type");
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
