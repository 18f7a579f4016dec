package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.Destination;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRouteDestination;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sidecar's outbound Envoy: resolves the host, selects the VirtualService route, runs the fault filter
 * (delay, then an independent abort draw), mirrors, and hands the request to the router
 * ({@link RouterCall}). Per-cluster state lives here across config snapshots while the cluster exists.
 */
final class EnvoyOutbound implements OutboundHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EnvoyOutbound.class);

    private final Vertx vertx;
    private final String callerWorkload;
    private final String callerNamespace;
    private final Supplier<MeshConfig> config;
    private final StatsSink stats;
    private final RandomGenerator random;
    private final LongSupplier clock;
    private final UpstreamConnections connections;
    private final RequestMirror mirror;
    private final Map<String, UpstreamCluster> clusters = new ConcurrentHashMap<>();
    private volatile SnapshotCache cache = new SnapshotCache(null);
    private final long sweepTimer;

    EnvoyOutbound(Vertx vertx, String callerWorkload, String callerNamespace, Supplier<MeshConfig> config, StatsSink stats) {
        this(vertx, callerWorkload, callerNamespace, config, stats, () -> ThreadLocalRandom.current().nextLong(), System::nanoTime, true);
    }

    /** Test seam: {@code random} drives every draw (faults, weights, LB, mirror, back-off); {@code clock} drives outlier detection. */
    EnvoyOutbound(Vertx vertx, String callerWorkload, String callerNamespace, Supplier<MeshConfig> config, StatsSink stats,
            RandomGenerator random, LongSupplier clock) {
        this(vertx, callerWorkload, callerNamespace, config, stats, random, clock, false);
    }

    private EnvoyOutbound(Vertx vertx, String callerWorkload, String callerNamespace, Supplier<MeshConfig> config, StatsSink stats,
            RandomGenerator random, LongSupplier clock, boolean sweepInBackground) {
        this.vertx = vertx;
        this.callerWorkload = callerWorkload;
        this.callerNamespace = callerNamespace;
        this.config = config;
        this.stats = stats;
        this.random = random;
        this.clock = clock;
        this.connections = new UpstreamConnections(vertx);
        this.mirror = new RequestMirror(connections, random, stats);
        // Sweeps run lazily on the interval grid whenever a cluster is used; with the real clock a 1 s tick also
        // runs them for idle clusters, so the ejections_active gauge falls without traffic, as Envoy's timer does.
        this.sweepTimer = sweepInBackground ? vertx.setPeriodic(1000, id -> clusters.values().forEach(UpstreamCluster::ejectedHosts)) : -1;
    }

    @Override
    public Future<Void> close() {
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        return connections.close();
    }

    /** Takes ownership of {@code headers}: they are matched on, then forwarded without a copy. */
    @Override
    public Future<ProxiedExchange> handle(HttpMethod method, String host, int port, String pathAndQuery, MultiMap headers, Buffer body) {
        long start = System.nanoTime();
        Promise<ProxiedExchange> promise = Promise.promise();
        Context context = vertx.getOrCreateContext();
        Runnable dispatch = () -> {
            try {
                dispatch(context, start, method, host, port, pathAndQuery, headers, body == null ? Buffer.buffer() : body, promise);
            } catch (IllegalArgumentException e) {
                // Resources reach us validated; this only fires for what the control plane let through by mistake.
                LOG.warn("Sidecar {}.{} cannot apply the config for {}:{}: {}", callerWorkload, callerNamespace, host, port, e.getMessage());
                promise.tryComplete(local(500, "local mesh config error: " + e.getMessage(), Set.of(), null, start));
            } catch (RuntimeException e) {
                promise.tryFail(e);
            }
        };
        if (Vertx.currentContext() == context) {
            dispatch.run();   // already on the sidecar's event loop: a queued task would only wait behind other I/O
        } else {
            context.runOnContext(v -> dispatch.run());
        }
        return promise.future();
    }

    private void dispatch(Context context, long start, HttpMethod method, String host, int port, String pathAndQuery, MultiMap headers,
            Buffer body, Promise<ProxiedExchange> promise) {
        MeshConfig mesh = config.get();
        SnapshotCache cache = cacheFor(mesh);
        String hostName = host.toLowerCase(Locale.ROOT);
        Optional<ServiceTarget> resolved = mesh.service(callerNamespace, hostName).filter(s -> s.port() == port);
        if (resolved.isEmpty()) {
            // Istio with outboundTrafficPolicy REGISTRY_ONLY answers 502 for hosts outside the registry; there is no passthrough here.
            promise.complete(local(502, "no route: " + host + ":" + port + " is not a service port in the local mesh registry",
                    Set.of(ResponseFlags.NO_ROUTE_FOUND), null, start));
            return;
        }
        ServiceTarget target = resolved.get();
        String authority = headers.get("host") != null ? headers.get("host") : (port == 80 ? host : host + ":" + port);
        String path = pathAndQuery.isEmpty() ? "/" : pathAndQuery;

        Optional<AppliedResource<VirtualService>> vs = mesh.virtualService(callerNamespace, target)
                .filter(r -> r.spec().getHttp() != null && !r.spec().getHttp().isEmpty());
        HTTPRoute route = null;
        String routeNamespace = callerNamespace;
        if (vs.isPresent()) {
            QueryStringDecoder decoder = new QueryStringDecoder(path);
            MultiMap query = MultiMap.caseInsensitiveMultiMap();
            decoder.parameters().forEach(query::add);
            RouteMatcher.Request matchable = new RouteMatcher.Request(method, authority, port, decoder.path(), query, headers, callerNamespace);
            route = RouteMatcher.firstMatch(vs.get().spec(), matchable).orElse(null);
            routeNamespace = vs.get().namespace();
            if (route == null) {
                promise.complete(local(404, "", Set.of(ResponseFlags.NO_ROUTE_FOUND), target, start));
                return;
            }
        }
        // Route matching has read the headers as the caller sent them; from here they are the forwarded ones. The
        // listener has answered any Expect: 100-continue itself, so, as Envoy does, it is not forwarded.
        MultiMap forwarded = HopByHop.removeFrom(headers).remove("host").remove("expect");
        if (!forwarded.contains("x-request-id")) {
            forwarded.set("x-request-id", requestId());
        }
        forwarded.set("x-forwarded-proto", "http");
        UpstreamRequest upstream = new UpstreamRequest(method, authority, path, forwarded, body);

        RoutePolicy policy = route == null ? RoutePolicy.DEFAULT_ROUTE : cache.policyOf(route);
        FaultInjection fault = policy.fault();
        Routed routed = new Routed(mesh, target, route, routeNamespace, upstream, policy.retry(), policy.timeout());
        Set<String> flags = new LinkedHashSet<>();
        if (fault.delayFires(random)) {
            flags.add(ResponseFlags.DELAY_INJECTED);
            // The delay runs before the router, so no route timeout or per-try timeout bounds it.
            vertx.setTimer(Math.max(1, fault.delay().toMillis()), id -> afterDelay(context, start, fault, routed, flags, promise));
        } else {
            afterDelay(context, start, fault, routed, flags, promise);
        }
    }

    /** A random (version 4) UUID like Envoy's; ThreadLocalRandom, as {@link UUID#randomUUID} locks a SecureRandom per request. */
    private static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID((r.nextLong() & ~0xF000L) | 0x4000L, (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();
    }

    /** What a route says beyond where to send: parsed once per config snapshot, not per request. */
    private record RoutePolicy(FaultInjection fault, RetryPolicy retry, Duration timeout) {
        static final RoutePolicy DEFAULT_ROUTE = new RoutePolicy(FaultInjection.NONE, RetryPolicy.istioDefault(), null);

        static RoutePolicy of(HTTPRoute route) {
            return new RoutePolicy(FaultInjection.of(route.getFault()), RetryPolicy.of(route.getRetries()),
                    IstioDurations.parse("http.timeout", route.getTimeout()));
        }
    }

    /**
     * What requests would otherwise derive again and again from one config snapshot: route policies (by route
     * identity; a snapshot never changes) and cluster choices, whose cluster state is updated once per snapshot,
     * as Envoy updates a cluster once per config push.
     */
    private static final class SnapshotCache {
        final MeshConfig mesh;
        final Map<HTTPRoute, RoutePolicy> policies = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
        final Map<ClusterKey, Optional<ClusterChoice>> clusters = new ConcurrentHashMap<>();

        SnapshotCache(MeshConfig mesh) {
            this.mesh = mesh;
        }

        RoutePolicy policyOf(HTTPRoute route) {
            return policies.computeIfAbsent(route, RoutePolicy::of);   // a route that does not parse throws every time
        }
    }

    private record ClusterKey(String namespace, String host, String subset) {}

    /** The cache of {@code mesh}; a new snapshot starts a new one and drops the clusters whose service left. */
    private SnapshotCache cacheFor(MeshConfig mesh) {
        SnapshotCache current = cache;
        if (current.mesh != mesh) {
            current = new SnapshotCache(mesh);
            cache = current;
            forgetRemovedClusters(mesh);
        }
        return current;
    }

    private record Routed(MeshConfig mesh, ServiceTarget target, HTTPRoute route, String routeNamespace, UpstreamRequest request,
            RetryPolicy retry, Duration timeout) {}

    private void afterDelay(Context context, long start, FaultInjection fault, Routed routed, Set<String> flags,
            Promise<ProxiedExchange> promise) {
        try {
            // Envoy rolls the abort after the delay, independently of it.
            if (fault.abortFires(random)) {
                flags.add(ResponseFlags.FAULT_INJECTED);
                promise.complete(abortReply(fault, flags, routed.target(), start));
                return;
            }
            route(context, start, routed, flags, promise);
        } catch (IllegalArgumentException e) {
            LOG.warn("Sidecar {}.{} cannot apply the config for {}: {}", callerWorkload, callerNamespace, routed.target().fqdn(), e.getMessage());
            promise.tryComplete(local(500, "local mesh config error: " + e.getMessage(), flags, routed.target(), start));
        }
    }

    private ProxiedExchange abortReply(FaultInjection fault, Set<String> flags, ServiceTarget target, long start) {
        if (fault.abortGrpcStatus() != null) {
            MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                    .set("content-type", "application/grpc")
                    .set("grpc-status", fault.abortGrpcStatus().toString())
                    .set("grpc-message", "fault filter abort");
            return new ProxiedExchange(200, headers, Buffer.buffer(), Set.copyOf(flags), target, null, 0, System.nanoTime() - start);
        }
        return local(fault.abortHttpStatus(), "fault filter abort", flags, target, start);
    }

    private void route(Context context, long start, Routed routed, Set<String> flags, Promise<ProxiedExchange> promise) {
        Destination destination;
        String destinationNamespace = routed.routeNamespace();
        if (routed.route() == null) {
            destination = new Destination(routed.target().fqdn(), null, null);
        } else {
            if (routed.route().getRoute() == null || routed.route().getRoute().isEmpty()) {
                promise.complete(local(500, "local mesh: routes without destinations (redirect, directResponse, delegate) are not emulated",
                        flags, routed.target(), start));
                return;
            }
            destination = pickWeighted(routed.route().getRoute()).getDestination();
        }
        Optional<ClusterChoice> choice = cluster(routed.mesh(), destinationNamespace, destination);
        if (choice.isEmpty()) {
            Set<String> withFlag = new LinkedHashSet<>(flags);
            withFlag.add(ResponseFlags.NO_CLUSTER_FOUND);
            promise.complete(local(503, "no cluster for destination " + destination.getHost()
                    + (destination.getSubset() == null ? "" : " subset " + destination.getSubset()), withFlag, routed.target(), start));
            return;
        }
        if (routed.route() != null) {
            mirror.mirror(context, routed.route(), routed.request(), routed.timeout(), d -> cluster(routed.mesh(), destinationNamespace, d));
        }
        ClusterChoice c = choice.get();
        new RouterCall(vertx, context, connections, random, stats, c.cluster(), c.service(), routed.retry(), routed.timeout(),
                routed.request(), flags, start, promise).start();
    }

    /** A route destination resolved to its service and this sidecar's cluster state for it. */
    record ClusterChoice(ServiceTarget service, UpstreamCluster cluster) {}

    /** The Envoy cluster for a route destination; empty when the host or subset does not exist (Envoy: 503 NC). */
    private Optional<ClusterChoice> cluster(MeshConfig mesh, String namespace, Destination destination) {
        String subset = destination.getSubset() == null || destination.getSubset().isEmpty() ? null : destination.getSubset();
        return cacheFor(mesh).clusters.computeIfAbsent(new ClusterKey(namespace, destination.getHost(), subset),
                k -> resolveCluster(mesh, k));
    }

    private Optional<ClusterChoice> resolveCluster(MeshConfig mesh, ClusterKey key) {
        String namespace = key.namespace();
        Optional<ServiceTarget> service = mesh.service(namespace, key.host().toLowerCase(Locale.ROOT));
        if (service.isEmpty()) {
            return Optional.empty();
        }
        ServiceTarget s = service.get();
        Optional<AppliedResource<DestinationRule>> dr = mesh.destinationRule(callerNamespace, s);
        TrafficPolicy top = dr.map(r -> r.spec().getTrafficPolicy()).orElse(null);
        List<Endpoint> endpoints = s.endpoints();
        TrafficPolicy subsetPolicy = null;
        String subsetName = key.subset();
        if (subsetName != null) {
            Optional<Subset> subset = dr.flatMap(r -> r.spec().getSubsets() == null ? Optional.empty()
                    : r.spec().getSubsets().stream().filter(x -> subsetName.equals(x.getName())).findFirst());
            if (subset.isEmpty()) {
                return Optional.empty();
            }
            Map<String, String> labels = subset.get().getLabels() == null ? Map.of() : subset.get().getLabels();
            endpoints = endpoints.stream().filter(e -> e.labels().entrySet().containsAll(labels.entrySet())).collect(Collectors.toList());
            subsetPolicy = subset.get().getTrafficPolicy();
        }
        ClusterPolicy policy = ClusterPolicy.of(top, subsetPolicy);
        String name = s.clusterName(subsetName);
        UpstreamCluster cluster = clusters.computeIfAbsent(name, n -> new UpstreamCluster(n, stats, clock, random));
        cluster.update(endpoints, policy);
        return Optional.of(new ClusterChoice(s, cluster));
    }

    /** Weights are relative (they need not sum to 100); one destination takes everything. */
    private HTTPRouteDestination pickWeighted(List<HTTPRouteDestination> destinations) {
        if (destinations.size() == 1) {
            return destinations.get(0);
        }
        long total = destinations.stream().mapToLong(d -> d.getWeight() == null ? 0 : Math.max(0, d.getWeight())).sum();
        if (total == 0) {
            return destinations.get(0);
        }
        long draw = random.nextLong(total);
        for (HTTPRouteDestination d : destinations) {
            draw -= d.getWeight() == null ? 0 : Math.max(0, d.getWeight());
            if (draw < 0) {
                return d;
            }
        }
        return destinations.get(destinations.size() - 1);
    }

    /** Per-cluster state lives while the cluster exists: drop clusters whose service left the registry. */
    private void forgetRemovedClusters(MeshConfig mesh) {
        clusters.keySet().removeIf(name -> mesh.service(callerNamespace, name.substring(name.lastIndexOf('|') + 1)).isEmpty());
    }

    /** For tests and telemetry: the sidecar's cluster state, if it exists. */
    Optional<UpstreamCluster> clusterState(String clusterName) {
        return Optional.ofNullable(clusters.get(clusterName));
    }

    private static ProxiedExchange local(int status, String body, Set<String> flags, ServiceTarget service, long start) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("content-type", "text/plain");
        return new ProxiedExchange(status, headers, Buffer.buffer(body), Set.copyOf(flags), service, null, 0, System.nanoTime() - start);
    }
}
