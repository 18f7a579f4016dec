package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMirrorPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import io.vertx.core.Context;
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

    private final UpstreamConnections connections;
    private final RandomGenerator random;
    private final StatsSink stats;

    RequestMirror(UpstreamConnections connections, RandomGenerator random, StatsSink stats) {
        this.connections = connections;
        this.random = random;
        this.stats = stats;
    }

    /** {@code mirror} + {@code mirrorPercentage} (absent = 100 %, legacy integer {@code mirrorPercent}) and {@code mirrors[]}. */
    void mirror(Context context, HTTPRoute route, UpstreamRequest request, Function<Destination, Optional<EnvoyOutbound.ClusterChoice>> clusters) {
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
            shadow(context, request, choice.get());
        }
    }

    private void shadow(Context context, UpstreamRequest request, EnvoyOutbound.ClusterChoice choice) {
        UpstreamCluster cluster = choice.cluster();
        Endpoint host = cluster.pick(Set.of());
        if (host == null) {
            return;
        }
        stats.increment(cluster.name(), "upstream_rq_total", 1);
        // send() writes the headers into the request it builds before returning, so the copy shares the caller's map.
        UpstreamRequest copy = new UpstreamRequest(request.method(), request.shadowAuthority(), request.pathAndQuery(),
                request.headers(), request.body());
        ClusterPolicy policy = cluster.policy();
        connections.send(context, cluster.name(), host, copy, policy.connectTimeout().toMillis(), policy.pool().maxRequestsPerConnection(),
                done -> {
                    // The mirror cluster's outlier detection still sees the copy's outcome; the caller never does.
                    cluster.recordOutcome(host, done.succeeded() ? done.result().status() : 503);
                    if (done.failed()) {
                        LOG.debug("Shadow request to {} failed: {}", cluster.name(), done.cause().toString());
                    }
                });
    }
}
