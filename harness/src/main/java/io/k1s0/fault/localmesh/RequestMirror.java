package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMirrorPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Envoy's request mirror policies for a route: fire-and-forget copies to the mirror clusters with
 * {@code -shadow} on the Host. The caller never waits for or sees them.
 */
final class RequestMirror {
    private static final Logger LOG = LoggerFactory.getLogger(RequestMirror.class);

    private final HttpClient client;
    private final RandomGenerator random;
    private final StatsSink stats;

    RequestMirror(HttpClient client, RandomGenerator random, StatsSink stats) {
        this.client = client;
        this.random = random;
        this.stats = stats;
    }

    /** {@code mirror} + {@code mirrorPercentage} (absent = 100 %, legacy integer {@code mirrorPercent}) and {@code mirrors[]}. */
    void mirror(HTTPRoute route, UpstreamRequest request, Function<Destination, Optional<EnvoyOutbound.ClusterChoice>> clusters) {
        List<HTTPMirrorPolicy> mirrors = new ArrayList<>();
        if (route.getMirror() != null) {
            Percent percentage = route.getMirrorPercentage() != null ? route.getMirrorPercentage()
                    : route.getMirrorPercent() != null ? new Percent(route.getMirrorPercent().doubleValue()) : null;
            mirrors.add(new HTTPMirrorPolicy(route.getMirror(), percentage));
        }
        if (route.getMirrors() != null) {
            mirrors.addAll(route.getMirrors());
        }
        for (HTTPMirrorPolicy m : mirrors) {
            double percent = m.getPercentage() == null || m.getPercentage().getValue() == null ? 100 : m.getPercentage().getValue();
            if (random.nextInt(FaultInjection.MILLION) >= (int) (percent * 10_000)) {
                continue;
            }
            Optional<EnvoyOutbound.ClusterChoice> choice = clusters.apply(m.getDestination());
            if (choice.isEmpty()) {
                LOG.debug("Mirror destination {} has no cluster; skipped", m.getDestination().getHost());
                continue;
            }
            shadow(request, choice.get());
        }
    }

    private void shadow(UpstreamRequest request, EnvoyOutbound.ClusterChoice choice) {
        UpstreamCluster cluster = choice.cluster();
        Endpoint host = cluster.pick(Set.of());
        if (host == null) {
            return;
        }
        stats.increment(cluster.name(), "upstream_rq_total", 1);
        UpstreamRequest copy = new UpstreamRequest(request.method(), request.shadowAuthority(), request.pathAndQuery(),
                request.headers(), request.body());
        RequestOptions options = new RequestOptions()
                .setMethod(copy.method())
                .setServer(SocketAddress.inetSocketAddress(host.port(), host.address()))
                .setHost(copy.authorityHost())
                .setPort(copy.authorityPort(choice.service().port()))
                .setURI(copy.pathAndQuery())
                .setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(copy.headers()));
        client.request(options)
                .compose(r -> r.send(copy.body()))
                .compose(r -> r.body().map(b -> r.statusCode()))
                .onComplete(ar -> {
                    // The mirror cluster's outlier detection still sees the copy's outcome; the caller never does.
                    cluster.recordOutcome(host, ar.succeeded() ? ar.result() : 503);
                    if (ar.failed()) {
                        LOG.debug("Shadow request to {} failed: {}", cluster.name(), ar.cause().toString());
                    }
                });
    }
}
