package io.k1s0.fault.localmesh;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's sidecar: an inbound listener in front of the app, which it calls in-process
 * ({@link EchoServer#serve}; destination-side telemetry), an outbound
 * listener that is a plain HTTP forward proxy for the app's calls (source-side telemetry around the
 * {@link OutboundHandler}), and an admin listener serving {@code /stats/prometheus}.
 */
final class Sidecar {
    private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

    private final Vertx vertx;
    private final SidecarIdentity self;
    private final EchoServer app;
    private final Telemetry telemetry;
    private OutboundHandler outbound;
    private final MultiMap peerHeaders;
    private HttpServer inboundServer;
    private HttpServer outboundServer;
    private HttpServer adminServer;

    Sidecar(Vertx vertx, SidecarIdentity self, EchoServer app) {
        this(vertx, self, app, new Telemetry());
    }

    Sidecar(Vertx vertx, SidecarIdentity self, EchoServer app, Telemetry telemetry) {
        this.vertx = vertx;
        this.self = self;
        this.app = app;
        this.telemetry = telemetry;
        this.peerHeaders = self.peer().headers(self.pod());
    }

    /** Starts the three listeners; the handler is created with this sidecar's {@link StatsSink}. */
    Future<Sidecar> start(OutboundHandlerFactory handlers, java.util.function.Supplier<MeshConfig> config) {
        outbound = handlers.create(vertx, self.workload(), self.namespace(), config, telemetry);
        inboundServer = vertx.createHttpServer(PodEventLoop.listenerOptions()).requestHandler(this::inbound);
        outboundServer = vertx.createHttpServer(PodEventLoop.listenerOptions()).requestHandler(this::outbound);
        adminServer = vertx.createHttpServer(PodEventLoop.listenerOptions()).requestHandler(this::admin);
        return Future.all(inboundServer.listen(), outboundServer.listen(), adminServer.listen()).map(this);
    }

    SidecarIdentity identity() {
        return self;
    }

    int inboundPort() {
        return inboundServer.actualPort();
    }

    int outboundPort() {
        return outboundServer.actualPort();
    }

    int adminPort() {
        return adminServer.actualPort();
    }

    Telemetry telemetry() {
        return telemetry;
    }

    // Telemetry is recorded before the response is ended, on both listeners: whoever reads /stats/prometheus after
    // seeing the response (a ScrapeSource closing its window) finds the request counted.
    private void inbound(HttpServerRequest request) {
        long start = System.nanoTime();
        MultiMap headers = HopByHop.removeFrom(request.headers());
        PeerMetadata caller = PeerMetadata.takeFrom(headers);
        request.body().compose(body -> app.serve(request.uri(), headers, body)).onComplete(done -> {
            // Counted before answering, so a scrape taken once the caller has its response includes this request.
            if (done.succeeded() && !done.result().reset()) {
                EchoServer.Reply reply = done.result();
                telemetry.recordRequest(RequestTelemetry.destination(self, caller, reply.status(), "-"), millisSince(start));
                request.response().setStatusCode(reply.status()).headers().addAll(reply.headers());
                request.response().end(reply.body());
                return;
            }
            // Envoy answers an upstream reset before headers with a local 503 (flag UC).
            telemetry.recordRequest(RequestTelemetry.destination(self, caller, 503, ResponseFlags.UPSTREAM_CONNECTION_TERMINATION),
                    millisSince(start));
            if (!request.response().ended() && !request.response().closed()) {
                request.response().setStatusCode(503).putHeader("content-type", "text/plain")
                        .end("upstream connect error or disconnect/reset before headers. reset reason: connection termination");
            }
        });
    }

    private void outbound(HttpServerRequest request) {
        long start = System.nanoTime();
        ProxyTarget target;
        try {
            target = absoluteTarget(request);
        } catch (IllegalArgumentException e) {
            request.response().setStatusCode(400).putHeader("content-type", "text/plain").end(e.getMessage() + "\n");
            return;
        }
        // The request's own header map is forwarded (the handler owns it from here): no copy per hop.
        MultiMap headers = HopByHop.removeFrom(request.headers());
        headers.set("host", target.hostHeader());
        peerHeaders.forEach(h -> headers.set(h.getKey(), h.getValue()));
        request.body()
                .compose(body -> outbound.handle(request.method(), target.host(), target.port(), target.pathAndQuery(), headers, body))
                .onComplete(done -> {
                    if (done.succeeded()) {
                        ProxiedExchange ex = done.result();
                        telemetry.recordRequest(RequestTelemetry.source(self, ex, target.host()), ex.durationNanos() / 1e6);
                        MultiMap responseHeaders = HopByHop.removeFrom(ex.headers());
                        PeerMetadata.takeFrom(responseHeaders);
                        request.response().setStatusCode(ex.status());
                        request.response().headers().addAll(responseHeaders);
                        request.response().end(ex.body() == null ? Buffer.buffer() : ex.body());
                    } else {
                        LOG.error("outbound handler of {}/{} failed for {} {}", self.namespace(), self.pod(), request.method(), request.uri(), done.cause());
                        request.response().setStatusCode(500).putHeader("content-type", "text/plain")
                                .end("local-mesh sidecar: outbound handler failed: " + done.cause() + "\n");
                    }
                });
    }

    /** The absolute-form request target of a forward-proxy request ({@code GET http://host[:port]/path}). */
    static ProxyTarget absoluteTarget(HttpServerRequest request) {
        if (request.method() == HttpMethod.CONNECT) {
            throw new IllegalArgumentException("local-mesh sidecar: CONNECT (HTTPS tunnelling) is not supported; send plain "
                    + "http:// requests through this proxy, e.g. curl -x http://127.0.0.1:PORT http://order-server.k1s0-service/orders");
        }
        return ProxyTarget.parse(request.uri());
    }

    private void admin(HttpServerRequest request) {
        if (request.path().equals("/stats/prometheus")) {
            request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(telemetry.render());
        } else if (request.path().equals("/healthz/ready")) {
            request.response().end("OK");
        } else {
            request.response().setStatusCode(404).end("local-mesh sidecar admin: try /stats/prometheus or /healthz/ready\n");
        }
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    Future<Void> close() {
        return Future.all(
                        inboundServer == null ? Future.succeededFuture() : inboundServer.close(),
                        outboundServer == null ? Future.succeededFuture() : outboundServer.close(),
                        adminServer == null ? Future.succeededFuture() : adminServer.close())
                .transform(listeners -> (outbound == null ? Future.<Void>succeededFuture() : outbound.close())
                        .compose(v -> listeners.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(listeners.cause())));
    }
}
