package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Istio-like mesh inside the JVM: an embedded Kubernetes API with the Istio and Flagger CRDs, a control
 * plane that watches it like istiod, and per replica an echo app behind a sidecar with Envoy semantics and
 * Istio telemetry. Apply VirtualServices and DestinationRules through {@link #client()}; send traffic from a
 * workload through {@link #proxyFor}; scrape {@link #metricsEndpoints()} or point Prometheus at {@link #fileSdPath()}.
 *
 * <pre>{@code
 * try (LocalMesh mesh = LocalMesh.builder()
 *         .workload(WorkloadSpec.of("order-client", "k1s0-service"))
 *         .workload(WorkloadSpec.of("order-server", "k1s0-service").withReplicas(2))
 *         .start()) {
 *     URI proxy = mesh.proxyFor("order-client", "k1s0-service");   // curl -x <proxy> http://order-server/orders
 * }
 * }</pre>
 */
public final class LocalMesh implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalMesh.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final EmbeddedApiServer api;
    private final ControlPlane controlPlane;
    private final List<Replica> replicas;
    private final Path fileSdPath;

    private record Replica(WorkloadSpec spec, String pod, EchoServer app, Sidecar sidecar) {}

    private LocalMesh(Vertx vertx, EmbeddedApiServer api, ControlPlane controlPlane, List<Replica> replicas, Path fileSdPath) {
        this.vertx = vertx;
        this.api = api;
        this.controlPlane = controlPlane;
        this.replicas = List.copyOf(replicas);
        this.fileSdPath = fileSdPath;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A fabric8 client connected to the embedded API (the same calls work against a real cluster). */
    public KubernetesClient client() {
        return api.client();
    }

    /**
     * Waits until the control plane routes by {@code written} (objects as the API returned them from a create or
     * update) and no longer by {@code deleted} (objects as read before their deletion, at the version deleted or an
     * earlier one): an API write reaches the sidecars through informers a few milliseconds
     * later, and traffic sent before that still takes the old routes. Only VirtualServices and DestinationRules take
     * part; a rejected write counts as taken in (its previous version stays in force, and a RejectedConfig Event says so).
     *
     * @throws IllegalStateException naming the objects still pending after {@code timeout}
     */
    public void awaitConfigured(Collection<? extends HasMetadata> written, Collection<? extends HasMetadata> deleted, Duration timeout) {
        try {
            controlPlane.awaitWrites(written, deleted, timeout);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The embedded API's base URL, e.g. {@code http://127.0.0.1:40123/}. */
    public URI apiUrl() {
        return api.url();
    }

    /**
     * The outbound forward proxy of the workload's first replica: send absolute-URI requests through it
     * ({@code curl -x <this> http://order-server.k1s0-service/orders}) to call from inside the mesh.
     */
    public URI proxyFor(String workload, String namespace) {
        return proxiesFor(workload, namespace).get(0);
    }

    /** The outbound proxies of every replica of the workload, in pod order. */
    public List<URI> proxiesFor(String workload, String namespace) {
        List<URI> proxies = replicas.stream()
                .filter(r -> r.spec().name().equals(workload) && r.spec().namespace().equals(namespace))
                .map(r -> URI.create("http://" + WorkloadResources.POD_IP + ":" + r.sidecar().outboundPort()))
                .toList();
        if (proxies.isEmpty()) {
            throw new IllegalArgumentException("no workload " + namespace + "/" + workload + " in the local mesh; declared: " + workloadNames());
        }
        return proxies;
    }

    /** Every sidecar's {@code /stats/prometheus} endpoint. */
    public List<MetricsEndpoint> metricsEndpoints() {
        return metricsEndpoints(replicas);
    }

    private static List<MetricsEndpoint> metricsEndpoints(List<Replica> replicas) {
        return replicas.stream()
                .map(r -> new MetricsEndpoint(r.spec().namespace(), r.pod(), r.spec().name(),
                        URI.create("http://" + WorkloadResources.POD_IP + ":" + r.sidecar().adminPort() + "/stats/prometheus")))
                .toList();
    }

    /** The Prometheus {@code file_sd} JSON listing {@link #metricsEndpoints()}. */
    public Path fileSdPath() {
        return fileSdPath;
    }

    /** The workloads as declared, one entry per workload. */
    public List<WorkloadSpec> workloads() {
        return replicas.stream().map(Replica::spec).distinct().toList();
    }

    /** Writes a kubeconfig whose current context is the embedded API (no credentials; plain HTTP on loopback). */
    public Path writeKubeconfig(Path file) {
        Config config = new ConfigBuilder()
                .withApiVersion("v1").withKind("Config")
                .addNewCluster().withName("local-mesh").withNewCluster().withServer(api.url().toString()).endCluster().endCluster()
                .addNewUser().withName("local-mesh").withNewUser().endUser().endUser()
                .addNewContext().withName("local-mesh").withNewContext().withCluster("local-mesh").withUser("local-mesh")
                .withNamespace("default").endContext().endContext()
                .withCurrentContext("local-mesh")
                .build();
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Files.writeString(file, Serialization.asYaml(config));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write kubeconfig " + file, e);
        }
    }

    MeshConfig meshConfig() {
        return controlPlane.current();
    }

    ControlPlane controlPlane() {
        return controlPlane;
    }

    /** Whether the event loops run on Netty's native epoll transport (else the JDK's selector). */
    boolean onNativeTransport() {
        return vertx.isNativeTransportEnabled();
    }

    Sidecar sidecarOf(String pod, String namespace) {
        return replicas.stream().filter(r -> r.pod().equals(pod) && r.spec().namespace().equals(namespace)).findFirst()
                .map(Replica::sidecar)
                .orElseThrow(() -> new IllegalArgumentException("no pod " + namespace + "/" + pod));
    }

    private String workloadNames() {
        return replicas.stream().map(r -> r.spec().namespace() + "/" + r.spec().name()).distinct().toList().toString();
    }

    @Override
    public void close() {
        List<Future<Void>> closing = new ArrayList<>();
        for (Replica r : replicas) {
            closing.add(r.sidecar().close());
            closing.add(r.app().close());
        }
        try {
            Future.join(closing).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("local mesh listeners did not all close cleanly", e);
        }
        controlPlane.close();
        api.close();
        vertx.close();
    }

    /** Declares the workloads; {@link #start()} brings everything up and returns when every endpoint is ready. */
    public static final class Builder {
        private final List<WorkloadSpec> workloads = new ArrayList<>();
        private Path fileSdPath;
        private OutboundHandlerFactory dataPlane = DataPlane.DEFAULT;
        private UnaryOperator<EmbeddedApiServer> crdRegistration = EmbeddedApiServer::registerCrds;
        private UnaryOperator<KubernetesClient> untypedClients = UntypedClient::to;
        private Function<KubernetesClient, ControlPlane> controlPlanes = ControlPlane::start;

        private Builder() {}

        public Builder workload(WorkloadSpec spec) {
            workloads.add(Objects.requireNonNull(spec, "workload spec"));
            return this;
        }

        public Builder workloads(List<WorkloadSpec> specs) {
            specs.forEach(this::workload);
            return this;
        }

        /** Where to write the Prometheus file_sd targets; default a temporary file. */
        public Builder fileSdPath(Path path) {
            this.fileSdPath = path;
            return this;
        }

        Builder dataPlane(OutboundHandlerFactory factory) {
            this.dataPlane = Objects.requireNonNull(factory, "data plane");
            return this;
        }

        /** The start's three steps after the API is up, for tests that make one of them fail. */
        Builder startSteps(UnaryOperator<EmbeddedApiServer> crds, UnaryOperator<KubernetesClient> untyped,
                Function<KubernetesClient, ControlPlane> controlPlane) {
            this.crdRegistration = Objects.requireNonNull(crds, "CRD registration");
            this.untypedClients = Objects.requireNonNull(untyped, "untyped client");
            this.controlPlanes = Objects.requireNonNull(controlPlane, "control plane start");
            return this;
        }

        public LocalMesh start() {
            validate();
            long t0 = System.nanoTime();
            // The API server and its client start on a thread of their own while the listeners start here (on a cold JVM
            // both are mostly class loading). Then three things overlap: the CRDs are created, the workloads' Pods and
            // Services are registered (built-in kinds need no CRD), and, once the CRDs exist, the control plane starts
            // its informers, which list what was registered by then and watch the rest.
            CompletableFuture<EmbeddedApiServer> apiStarting = CompletableFuture.supplyAsync(EmbeddedApiServer::startWithoutCrds,
                    r -> daemon(r, "local-mesh-api-start").start());
            // Netty's epoll transport where it loads (Linux x86_64 and aarch64): about a tenth less CPU per proxied
            // request than Java's selector and no slower a start (docs/local-mesh-benchmark.md, run 32); the JDK's elsewhere.
            Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
            EmbeddedApiServer api = null;
            ControlPlane cp = null;
            List<Replica> started = new ArrayList<>();
            CompletableFuture<KubernetesClient> untyped = apiStarting.thenApplyAsync(a -> untypedClients.apply(a.client()),
                    r -> daemon(r, "local-mesh-client-start").start());
            try {
                CompletableFuture<EmbeddedApiServer> crdsRegistered = apiStarting.thenApplyAsync(crdRegistration,
                        r -> daemon(r, "local-mesh-crds").start());
                // The sidecars ask the control plane for config at their first request, not before.
                CompletableFuture<ControlPlane> cpStarting = crdsRegistered.thenCombineAsync(untyped, (a, client) -> controlPlanes.apply(client),
                        r -> daemon(r, "local-mesh-control-plane-start").start());
                Supplier<MeshConfig> config = () -> cpStarting.join().current();
                Path sd;
                try {
                    started.addAll(startListeners(vertx, config));
                    long t1 = System.nanoTime();
                    // While the API is still starting (on a cold JVM it takes longest): the file_sd targets and the
                    // resources to register need only the listeners' ports.
                    sd = fileSdPath != null ? fileSdPath : Files.createTempFile("local-mesh-file-sd", ".json");
                    FileSdTargets.write(sd, metricsEndpoints(started));
                    List<Registration> resources = resources(started);
                    try {
                        register(join(untyped, "embedded Kubernetes API"), resources);
                    } catch (RuntimeException registering) {
                        // A control plane whose start failed has closed the client the registration shares: its error is the cause.
                        try {
                            join(cpStarting, "control plane");
                        } catch (RuntimeException cpFailed) {
                            cpFailed.addSuppressed(registering);
                            throw cpFailed;
                        }
                        throw registering;
                    }
                    long t2 = System.nanoTime();
                    cp = join(cpStarting, "control plane");
                    api = join(crdsRegistered, "embedded Kubernetes API");
                    LOG.debug("start phases: listeners {} ms, API and workloads registered {} ms more, control plane {} ms more",
                            (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
                } finally {
                    if (api == null) {
                        api = apiStarting.exceptionally(e -> null).join();
                    }
                    if (cp == null) {
                        cp = cpStarting.exceptionally(e -> null).join();
                    }
                    if (cp == null) {
                        // The control plane owns the client once it starts (and closes it if its start fails); before, it is ours.
                        KubernetesClient client = untyped.exceptionally(e -> null).join();
                        if (client != null && crdsRegistered.isCompletedExceptionally()) {
                            client.close();
                        }
                    }
                }
                long t3 = System.nanoTime();
                awaitEndpoints(cp);
                cp.prepareSpecReaders();
                LOG.debug("start: endpoints ready {} ms after registering, {} ms in all", (System.nanoTime() - t3) / 1_000_000,
                        (System.nanoTime() - t0) / 1_000_000);
                LocalMesh mesh = new LocalMesh(vertx, api, cp, started, sd);
                LOG.info("local mesh up: API {}, {} workloads, {} sidecars", api.url(), workloads.size(), started.size());
                return mesh;
            } catch (IOException e) {
                closeQuietly(vertx, api, cp, started);
                throw new UncheckedIOException("could not create the file_sd target file", e);
            } catch (RuntimeException | TimeoutException e) {
                closeQuietly(vertx, api, cp, started);
                throw e instanceof RuntimeException re ? re : new IllegalStateException("local mesh did not become ready", e);
            }
        }

        private static Thread daemon(Runnable r, String name) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }

        private static <T> T join(CompletableFuture<T> starting, String what) {
            try {
                return starting.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(what + " did not start", e.getCause());
            }
        }

        private void validate() {
            Set<String> names = new HashSet<>();
            Map<String, WorkloadSpec> services = new HashMap<>();
            for (WorkloadSpec w : workloads) {
                if (!names.add(w.namespace() + "/" + w.name())) {
                    throw new IllegalArgumentException("workload " + w.namespace() + "/" + w.name() + " is declared twice; workload names must be unique per namespace");
                }
                WorkloadSpec other = services.putIfAbsent(w.namespace() + "/" + w.serviceName(), w);
                if (other != null && (other.servicePort() != w.servicePort() || !other.app().equals(w.app()))) {
                    throw new IllegalArgumentException("workloads " + other.name() + " and " + w.name() + " share Service " + w.namespace() + "/"
                            + w.serviceName() + " but differ in servicePort (" + other.servicePort() + " vs " + w.servicePort()
                            + ") or app label (" + other.app() + " vs " + w.app() + "); a shared Service needs the same port and app label");
                }
            }
        }

        /** Every replica's app and sidecar listeners, each replica on an event loop of its own. */
        private List<Replica> startListeners(Vertx vertx, Supplier<MeshConfig> config) {
            List<Future<Replica>> starting = new ArrayList<>();
            for (WorkloadSpec w : workloads) {
                EchoBehaviour defaults = EchoBehaviour.parseDefaults(w.defaultEcho());
                for (int i = 0; i < w.replicas(); i++) {
                    String pod = w.name() + "-" + i;
                    EchoServer app = new EchoServer(vertx, w.name(), w.version(), pod, defaults);
                    SidecarIdentity id = new SidecarIdentity(pod, w.name(), w.namespace(), w.app(), w.version(), w.serviceName(), w.servicePort());
                    starting.add(PodEventLoop.start(vertx, () -> app.start()
                            .compose(appPort -> new Sidecar(vertx, id, app).start(dataPlane, config))
                            .map(sidecar -> new Replica(w, pod, app, sidecar))));
                }
            }
            try {
                return Future.all(new ArrayList<>(starting)).toCompletionStage().toCompletableFuture()
                        .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).list();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the local mesh", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a local mesh listener did not start: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException("local mesh listeners did not start within " + READY_TIMEOUT, e);
            }
        }

        /** A resource the mesh registers, untyped (see {@link WorkloadResources}), and where in the API it goes. */
        private record Registration(ResourceDefinitionContext type, GenericKubernetesResource resource) {}

        /** The workloads as Kubernetes sees them: namespaces (injection enabled), Services and one Pod per replica. */
        private List<Registration> resources(List<Replica> replicas) {
            List<Registration> resources = new ArrayList<>();
            Set<String> namespaces = new HashSet<>();
            Set<String> services = new HashSet<>();
            for (WorkloadSpec w : workloads) {
                if (namespaces.add(w.namespace())) {
                    resources.add(new Registration(WorkloadResources.NAMESPACES, WorkloadResources.namespace(w.namespace())));
                }
                if (services.add(w.namespace() + "/" + w.serviceName())) {
                    resources.add(new Registration(WorkloadResources.SERVICES, WorkloadResources.service(w)));
                }
            }
            for (Replica r : replicas) {
                resources.add(new Registration(WorkloadResources.PODS,
                        WorkloadResources.pod(r.spec(), r.pod(), r.sidecar().inboundPort(), r.sidecar().adminPort())));
            }
            return resources;
        }

        /** Creates each resource in order; a namespace that already exists is kept as it is. */
        private static void register(KubernetesClient client, List<Registration> resources) {
            for (Registration r : resources) {
                var kind = client.genericKubernetesResources(r.type());
                String name = r.resource().getMetadata().getName();
                if (!r.type().isNamespaceScoped()) {
                    if (kind.withName(name).get() == null) {
                        kind.resource(r.resource()).create();
                    }
                } else {
                    kind.inNamespace(r.resource().getMetadata().getNamespace()).resource(r.resource()).create();
                }
            }
        }

        private void awaitEndpoints(ControlPlane cp) throws TimeoutException {
            Map<String, Integer> expected = new LinkedHashMap<>();
            for (WorkloadSpec w : workloads) {
                expected.merge(w.serviceName() + "." + w.namespace() + HostNames.CLUSTER_SUFFIX, w.replicas(), Integer::sum);
            }
            cp.awaitSnapshot(s -> expected.entrySet().stream().allMatch(e -> {
                ServiceTarget t = s.services().get(e.getKey());
                return t != null && t.endpoints().size() >= e.getValue();
            }), READY_TIMEOUT);
        }

        private static void closeQuietly(Vertx vertx, EmbeddedApiServer api, ControlPlane cp, List<Replica> replicas) {
            replicas.forEach(r -> {
                r.sidecar().close();
                r.app().close();
            });
            if (cp != null) {
                cp.close();
            }
            if (api != null) {
                api.close();
            }
            vertx.close();
        }
    }
}
