package io.k1s0.fault.localmesh;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Test-only data plane: resolves the host through the current {@link MeshConfig} and forwards to the first
 * ready endpoint, with none of Envoy's routing semantics. It lets the sidecar plumbing and telemetry be
 * tested independently of {@code EnvoyOutbound}.
 */
final class FirstEndpointOutbound implements OutboundHandler {
    private final String callerNamespace;
    private final Supplier<MeshConfig> config;
    private final HttpClient client;

    FirstEndpointOutbound(Vertx vertx, String callerWorkload, String callerNamespace, Supplier<MeshConfig> config, StatsSink stats) {
        this.callerNamespace = callerNamespace;
        this.config = config;
        this.client = vertx.createHttpClient();
    }

    @Override
    public Future<ProxiedExchange> handle(HttpMethod method, String host, int port, String pathAndQuery, MultiMap headers, Buffer body) {
        long start = System.nanoTime();
        var service = config.get().service(callerNamespace, host);
        if (service.isEmpty() || service.get().endpoints().isEmpty()) {
            return Future.succeededFuture(new ProxiedExchange(service.isEmpty() ? 404 : 503, MultiMap.caseInsensitiveMultiMap(),
                    Buffer.buffer(), Set.of(service.isEmpty() ? ResponseFlags.NO_ROUTE_FOUND : ResponseFlags.NO_HEALTHY_UPSTREAM),
                    service.orElse(null), null, 0, System.nanoTime() - start));
        }
        Endpoint ep = service.get().endpoints().get(0);
        headers.set(EchoServer.ATTEMPT_COUNT_HEADER, "1");
        return client.request(new RequestOptions().setMethod(method).setHost(ep.address()).setPort(ep.port()).setURI(pathAndQuery).setHeaders(headers))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> new ProxiedExchange(resp.statusCode(), resp.headers(), b, Set.of(),
                        service.get(), ep, 1, System.nanoTime() - start)));
    }
}
