package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMirrorPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.Percent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
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
 * {@code -shadow} on the Host. The caller never waits for or sees them. As Envoy's router sends a shadow with the
 * route's timeout, a copy still unanswered when the route timeout passes is reset (its connection closed) and counts
 * as {@code upstream_rq_timeout} of the mirror cluster; with no route timeout (Istio's default) it waits as long as
 * the upstream takes.
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
    void mirror(Context context, HTTPRoute route, UpstreamRequest request, Duration routeTimeout,
            Function<Destination, Optional<EnvoyOutbound.ClusterChoice>> clusters) {
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
            shadow(context, request, choice.get(), routeTimeout);
        }
    }

    private void shadow(Context context, UpstreamRequest request, EnvoyOutbound.ClusterChoice choice, Duration routeTimeout) {
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
        Shadow shadow = new Shadow(context, cluster, host);
        shadow.exchange = connections.send(context, cluster.name(), host, copy, policy.connectTimeout().toMillis(),
                policy.pool().maxRequestsPerConnection(), shadow::onDone);
        if (routeTimeout != null && !routeTimeout.isZero() && !shadow.finished) {
            shadow.timer = context.owner().setTimer(Math.max(1, routeTimeout.toMillis()), id -> shadow.onTimeout());
        }
    }

    /** One copy in flight; its callbacks all run on the caller's event loop. */
    private final class Shadow {
        private final Context context;
        private final UpstreamCluster cluster;
        private final Endpoint host;
        private UpstreamConnections.Exchange exchange;
        private long timer = -1;
        private boolean finished;

        Shadow(Context context, UpstreamCluster cluster, Endpoint host) {
            this.context = context;
            this.cluster = cluster;
            this.host = host;
        }

        void onDone(Future<UpstreamConnections.Response> done) {
            if (finished) {
                return;   // the reset after a timeout reports a failure the timeout already recorded
            }
            finished = true;
            if (timer >= 0) {
                context.owner().cancelTimer(timer);
            }
            // The mirror cluster's outlier detection still sees the copy's outcome; the caller never does.
            cluster.recordOutcome(host, done.succeeded() ? done.result().status() : 503);
            if (done.failed()) {
                LOG.debug("Shadow request to {} failed: {}", cluster.name(), done.cause().toString());
            }
        }

        void onTimeout() {
            if (finished) {
                return;
            }
            finished = true;
            stats.increment(cluster.name(), "upstream_rq_timeout", 1);
            cluster.recordOutcome(host, 504);
            exchange.reset();
        }
    }
}
