package io.k1s0.fault.localmesh;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local istiod: informers on VirtualService and DestinationRule (every served version), Service and Pod
 * rebuild an immutable {@link MeshSnapshot} on each change and publish it atomically. A resource that fails
 * validation never reaches a snapshot: its last accepted version stays in force and the rejection is logged
 * and written as a Kubernetes Event on the resource.
 *
 * <p>Every informer reads untyped objects; a VirtualService's or DestinationRule's spec is read as Istio's model
 * when a snapshot is built. Typed informers would make Jackson build the Pod, Service and Istio deserializers
 * while a cold mesh starts (0.6–0.8 s of CPU, docs/local-mesh-benchmark.md); this way the Istio ones are built once
 * the mesh is up ({@link #prepareSpecReaders()}) and the Pod and Service ones never. A spec that does not fit
 * the model (a string where Istio expects a number) is rejected like any other invalid resource.
 */
final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    static final String REJECTED_REASON = "RejectedConfig";
    static final String CONFLICT_REASON = "ConflictingMeshGatewayVirtualServiceHosts";

    /**
     * One stored object of a kind, whichever API version it was written through; {@code spec} is null and
     * {@code unreadable} says why when its spec does not fit Istio's model.
     */
    record Stored<S>(ObjectMeta meta, String apiVersion, String kind, S spec, String unreadable) {
        String key() {
            return key(meta);
        }

        String resourceVersion() {
            return Objects.toString(meta.getResourceVersion(), "");
        }

        /** What the validator says, or why the spec could not be read at all. */
        List<String> problems(Function<S, List<String>> validate) {
            return unreadable != null ? List.of(unreadable) : validate.apply(spec);
        }

        static String key(ObjectMeta meta) {
            return meta.getNamespace() + "/" + meta.getName();
        }
    }

    private final KubernetesClient client;
    private final EventRecorder events;
    private final AtomicReference<MeshSnapshot> current = new AtomicReference<>(MeshSnapshot.empty());
    private final List<SharedIndexInformer<GenericKubernetesResource>> vsInformers = new ArrayList<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> drInformers = new ArrayList<>();
    private SharedIndexInformer<GenericKubernetesResource> serviceInformer;
    private SharedIndexInformer<GenericKubernetesResource> podInformer;
    private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(r -> daemon(r, "local-istiod"));
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

    // Rebuild-thread state: the last accepted version of each resource, and what was already reported.
    private final Map<String, Stored<VirtualService>> acceptedVs = new HashMap<>();
    private final Map<String, Stored<DestinationRule>> acceptedDr = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private long nextVersion = 1;
    // Each informer object's spec as read by the last rebuild: an informer replaces the object on every change, so
    // one that is still there reads the same and a pod or service change does not convert every spec again.
    private Map<GenericKubernetesResource, Stored<?>> readBefore = new IdentityHashMap<>();
    private Map<GenericKubernetesResource, Stored<?>> readNow = new IdentityHashMap<>();

    private ControlPlane(KubernetesClient client) {
        this.client = client;
        this.events = new EventRecorder(client);
    }

    /**
     * Starts informers through {@code untyped} (made by {@link UntypedClient#to}, never the API's own client): the control
     * plane closes it in {@link #close()}, and at once when its start fails. The local mesh registers its workloads through
     * the same client meanwhile.
     */
    static ControlPlane start(KubernetesClient untyped) {
        ControlPlane cp = new ControlPlane(untyped);
        try {
            cp.startInformers();
        } catch (RuntimeException e) {
            cp.close();
            throw e;
        }
        cp.requestRebuild();
        return cp;
    }

    MeshConfig current() {
        return current.get();
    }

    /** The snapshot holder sidecars read per request. */
    java.util.function.Supplier<MeshConfig> supplier() {
        return current::get;
    }

    /** Blocks until a published snapshot satisfies the condition (the current one counts). */
    MeshSnapshot awaitSnapshot(Predicate<MeshSnapshot> condition, Duration timeout) throws TimeoutException {
        Waiter waiter = new Waiter(condition, new CompletableFuture<>());
        waiters.add(waiter);
        try {
            waiter.offer(current.get());
            return waiter.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the mesh configuration", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            waiters.remove(waiter);
        }
    }

    /**
     * Blocks until a snapshot was built from each written VirtualService and DestinationRule at the resourceVersion the
     * API returned for it, or a later one, and from no deleted object at the version given or a later one (a version
     * read before the deletion will do, such as one taken before a last update). A rejected write counts as taken in:
     * its previous version stays in force and the rejection was reported. Objects of other kinds are skipped.
     *
     * @throws TimeoutException naming the objects still pending
     */
    void awaitWrites(Collection<? extends HasMetadata> written, Collection<? extends HasMetadata> deleted, Duration timeout)
            throws TimeoutException {
        List<HasMetadata> writes = written.stream().filter(ControlPlane::routing).collect(Collectors.toList());
        List<HasMetadata> deletions = deleted.stream().filter(ControlPlane::routing).collect(Collectors.toList());
        if (writes.isEmpty() && deletions.isEmpty()) {
            return;
        }
        Predicate<MeshSnapshot> done = s -> pending(s, writes, deletions).isEmpty();
        try {
            awaitSnapshot(done, timeout);
        } catch (TimeoutException e) {
            TimeoutException named = new TimeoutException("the local control plane did not take in " + pending(current.get(), writes, deletions)
                    + " within " + timeout.toMillis() + " ms");
            named.initCause(e);
            throw named;
        }
    }

    private static boolean routing(HasMetadata r) {
        return IstioCrds.VIRTUAL_SERVICE.kind().equals(r.getKind()) || IstioCrds.DESTINATION_RULE.kind().equals(r.getKind());
    }

    private static List<String> pending(MeshSnapshot s, List<HasMetadata> writes, List<HasMetadata> deletions) {
        List<String> pending = new ArrayList<>();
        for (HasMetadata w : writes) {
            ObjectMeta m = w.getMetadata();
            if (s.resourceVersion(w.getKind(), m.getNamespace(), m.getName()).orElse(-1) < resourceVersionOrder(m)) {
                pending.add(w.getKind() + " " + m.getNamespace() + "/" + m.getName() + " at resourceVersion " + m.getResourceVersion());
            }
        }
        for (HasMetadata d : deletions) {
            ObjectMeta m = d.getMetadata();
            java.util.OptionalLong read = s.resourceVersion(d.getKind(), m.getNamespace(), m.getName());
            if (read.isPresent() && read.getAsLong() >= resourceVersionOrder(m)) {
                pending.add("the deletion of " + d.getKind() + " " + m.getNamespace() + "/" + m.getName());
            }
        }
        return pending;
    }

    private record Waiter(Predicate<MeshSnapshot> condition, CompletableFuture<MeshSnapshot> result) {
        void offer(MeshSnapshot s) {
            if (condition.test(s)) {
                result.complete(s);
            }
        }
    }

    /**
     * Builds Jackson's readers for the Istio specs on the rebuild thread now that the mesh is up, so that the first
     * VirtualService a test applies does not wait for them; the start did not either. The specs use the parts a
     * fault test does, because fabric8 resolves Istio's one-of fields (a fault's abort, a duration) at first use.
     */
    void prepareSpecReaders() {
        if (!rebuilder.isShutdown()) {
            rebuilder.execute(() -> {
                try {
                    readSpec(WARM_UP_VIRTUAL_SERVICE, VirtualService.class);
                    readSpec(WARM_UP_DESTINATION_RULE, DestinationRule.class);
                } catch (IllegalArgumentException e) {
                    LOG.debug("warming up the Istio spec readers failed; the first resource of a kind will build them", e);
                }
            });
        }
    }

    static final Map<String, Object> WARM_UP_VIRTUAL_SERVICE = Map.of("hosts", List.of("warm-up"), "http", List.of(Map.of(
            "match", List.of(Map.of("uri", Map.of("prefix", "/"), "headers", Map.of("x", Map.of("exact", "y")))),
            "fault", Map.of("abort", Map.of("httpStatus", 503, "percentage", Map.of("value", 1.0)),
                    "delay", Map.of("fixedDelay", "1s", "percentage", Map.of("value", 1.0))),
            "retries", Map.of("attempts", 1, "perTryTimeout", "1s", "retryOn", "5xx"),
            "timeout", "1s",
            "route", List.of(Map.of("destination", Map.of("host", "warm-up", "subset", "v1"), "weight", 100)))));

    static final Map<String, Object> WARM_UP_DESTINATION_RULE = Map.of("host", "warm-up",
            "subsets", List.of(Map.of("name", "v1", "labels", Map.of("version", "v1"))),
            "trafficPolicy", Map.of("loadBalancer", Map.of("simple", "ROUND_ROBIN"),
                    "connectionPool", Map.of("tcp", Map.of("maxConnections", 1), "http", Map.of("http1MaxPendingRequests", 1)),
                    "outlierDetection", Map.of("consecutive5xxErrors", 1, "interval", "1s", "baseEjectionTime", "1s")));

    private void startInformers() {
        ResourceEventHandler<Object> onChange = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                requestRebuild();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                requestRebuild();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                requestRebuild();
            }
        };
        for (String version : IstioCrds.VIRTUAL_SERVICE.versions()) {
            vsInformers.add(informer(IstioCrds.VIRTUAL_SERVICE.context(version)));
        }
        for (String version : IstioCrds.DESTINATION_RULE.versions()) {
            drInformers.add(informer(IstioCrds.DESTINATION_RULE.context(version)));
        }
        serviceInformer = informer(WorkloadResources.SERVICES);
        podInformer = informer(WorkloadResources.PODS);
        List<SharedIndexInformer<GenericKubernetesResource>> all = new ArrayList<>(vsInformers);
        all.addAll(drInformers);
        all.add(serviceInformer);
        all.add(podInformer);
        // Start all informers at once and wait for every initial list: sequential starts add up.
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        for (SharedIndexInformer<GenericKubernetesResource> informer : all) {
            informer.addEventHandler(onChange);
            synced.add(informer.start().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the control plane informers", e);
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            throw new IllegalStateException("control plane informers did not sync with the embedded API", e);
        }
    }

    private void requestRebuild() {
        if (rebuildPending.compareAndSet(false, true) && !rebuilder.isShutdown()) {
            rebuilder.execute(() -> {
                rebuildPending.set(false);
                try {
                    rebuild();
                } catch (RuntimeException e) {
                    LOG.error("local istiod could not rebuild the mesh configuration; keeping version {}", current.get().version(), e);
                }
            });
        }
    }

    private void rebuild() {
        readNow = new IdentityHashMap<>();
        Map<String, ServiceTarget> services = services();
        List<Stored<DestinationRule>> drs = newestPerKey(drInformers, DestinationRule.class);
        List<MeshSnapshot.Accepted<DestinationRule>> acceptedDrs = new ArrayList<>();
        acceptedDr.keySet().retainAll(drs.stream().map(Stored::key).toList());
        for (Stored<DestinationRule> dr : drs) {
            List<String> problems = dr.problems(IstioValidator::validate);
            Stored<DestinationRule> use = admit(dr, problems, acceptedDr);
            if (use != null) {
                acceptedDrs.add(new MeshSnapshot.Accepted<>(
                        new AppliedResource<>(use.meta().getName(), use.meta().getNamespace(), use.spec()),
                        use.meta().getCreationTimestamp(),
                        List.of(HostNames.qualify(use.spec().getHost(), use.meta().getNamespace())),
                        use.spec().getExportTo()));
            }
        }

        List<Stored<VirtualService>> vss = newestPerKey(vsInformers, VirtualService.class);
        acceptedVs.keySet().retainAll(vss.stream().map(Stored::key).toList());
        List<MeshSnapshot.Accepted<VirtualService>> acceptedVss = new ArrayList<>();
        for (Stored<VirtualService> vs : vss) {
            List<String> problems = vs.problems(spec -> IstioValidator.validate(spec, vs.meta().getNamespace(),
                    (host, ns) -> subsets(acceptedDrs, HostNames.qualify(host, ns), ns)));
            Stored<VirtualService> use = admit(vs, problems, acceptedVs);
            if (use != null) {
                List<String> hosts = use.spec().getHosts().stream().map(h -> HostNames.qualify(h, use.meta().getNamespace())).toList();
                acceptedVss.add(new MeshSnapshot.Accepted<>(
                        new AppliedResource<>(use.meta().getName(), use.meta().getNamespace(), use.spec()),
                        use.meta().getCreationTimestamp(), hosts, use.spec().getExportTo()));
            }
        }
        reportConflicts(acceptedVss, vss);

        Map<String, Long> versions = new HashMap<>();
        java.util.stream.Stream.concat(drs.stream(), vss.stream()).forEach(read -> versions.put(
                MeshSnapshot.resourceKey(read.kind(), read.meta().getNamespace(), read.meta().getName()), resourceVersionOrder(read.meta())));
        MeshSnapshot snapshot = new MeshSnapshot(nextVersion++, services, acceptedVss, acceptedDrs, versions);
        current.set(snapshot);
        LOG.debug("published {}", snapshot);
        waiters.forEach(w -> w.offer(snapshot));
        readBefore = readNow;
    }

    /** Accepts a valid resource; for an invalid one reports it once and falls back to its last accepted version. */
    private <S> Stored<S> admit(Stored<S> stored, List<String> problems, Map<String, Stored<S>> accepted) {
        if (problems.isEmpty()) {
            accepted.put(stored.key(), stored);
            return stored;
        }
        Stored<S> previous = accepted.get(stored.key());
        String reportKey = REJECTED_REASON + "|" + stored.kind() + "|" + stored.key() + "|" + stored.resourceVersion();
        if (reported.add(reportKey)) {
            String message = stored.kind() + " " + stored.key() + " rejected: " + String.join("; ", problems)
                    + (previous == null ? "; it has no previously accepted version, so it takes no effect"
                            : "; previous version " + previous.resourceVersion() + " stays in force");
            LOG.warn("{}", message);
            events.warn(stored.meta(), stored.apiVersion(), stored.kind(), REJECTED_REASON, message);
        }
        return previous;
    }

    /** Istio's IST0109: two VirtualServices for one host are not merged for sidecars; the oldest wins. */
    private void reportConflicts(List<MeshSnapshot.Accepted<VirtualService>> accepted, List<Stored<VirtualService>> stored) {
        Map<String, List<MeshSnapshot.Accepted<VirtualService>>> byHost = new HashMap<>();
        for (MeshSnapshot.Accepted<VirtualService> a : accepted) {
            for (String h : new HashSet<>(a.qualifiedHosts())) {
                byHost.computeIfAbsent(h, k -> new ArrayList<>()).add(a);
            }
        }
        Map<String, Stored<VirtualService>> storedByKey = new HashMap<>();
        stored.forEach(s -> storedByKey.put(s.key(), s));
        byHost.forEach((host, list) -> {
            if (list.size() < 2) {
                return;
            }
            list.sort(MeshSnapshot.OLDEST_FIRST);
            AppliedResource<VirtualService> winner = list.get(0).resource();
            for (MeshSnapshot.Accepted<VirtualService> loser : list.subList(1, list.size())) {
                Stored<VirtualService> s = storedByKey.get(loser.resource().namespace() + "/" + loser.resource().name());
                if (s == null || !reported.add(CONFLICT_REASON + "|" + host + "|" + s.key() + "|" + s.resourceVersion())) {
                    continue;
                }
                String message = "IST0109: VirtualService " + s.key() + " is ignored for host " + host + ": VirtualService "
                        + winner.namespace() + "/" + winner.name() + " is older and sidecars do not merge VirtualServices";
                LOG.warn("{}", message);
                events.warn(s.meta(), s.apiVersion(), s.kind(), CONFLICT_REASON, message);
            }
        });
    }

    private static Set<String> subsets(List<MeshSnapshot.Accepted<DestinationRule>> drs, String fqdn, String callerNamespace) {
        Set<String> names = new HashSet<>();
        for (MeshSnapshot.Accepted<DestinationRule> a : drs) {
            if (a.visibleTo(callerNamespace) && (a.exactlyMatches(fqdn) || a.qualifiedHosts().stream().anyMatch(h -> HostNames.matches(h, fqdn)))) {
                List<Subset> subsets = a.resource().spec().getSubsets();
                if (subsets != null) {
                    subsets.forEach(s -> names.add(s.getName()));
                }
            }
        }
        return names;
    }

    private Map<String, ServiceTarget> services() {
        List<GenericKubernetesResource> pods = podInformer.getStore().list();
        Map<String, ServiceTarget> result = new HashMap<>();
        for (GenericKubernetesResource svc : serviceInformer.getStore().list()) {
            Optional<WorkloadResources.ServiceShape> shape = WorkloadResources.shape(svc);
            if (shape.isEmpty()) {
                continue;
            }
            String ns = svc.getMetadata().getNamespace();
            Map<String, String> selector = shape.get().selector();
            List<Endpoint> endpoints = new ArrayList<>();
            if (!selector.isEmpty()) {
                for (GenericKubernetesResource pod : pods) {
                    if (ns.equals(pod.getMetadata().getNamespace()) && WorkloadResources.selects(selector, pod) && WorkloadResources.isReady(pod)) {
                        WorkloadResources.endpoint(pod).ifPresent(endpoints::add);
                    }
                }
            }
            endpoints.sort(java.util.Comparator.comparing(Endpoint::podName));
            ServiceTarget target = new ServiceTarget(svc.getMetadata().getName(), ns, shape.get().port(), endpoints);
            result.put(target.fqdn(), target);
        }
        return result;
    }

    /** The newest stored version of each object, with its spec read as {@code type}. */
    private <S> List<Stored<S>> newestPerKey(List<SharedIndexInformer<GenericKubernetesResource>> informers, Class<S> type) {
        // The embedded API stores each version separately; a real API server has one object per name. The
        // most recently written version (highest resourceVersion) stands for the object.
        Map<String, GenericKubernetesResource> newest = new HashMap<>();
        for (SharedIndexInformer<GenericKubernetesResource> informer : informers) {
            for (GenericKubernetesResource r : informer.getStore().list()) {
                newest.merge(Stored.key(r.getMetadata()), r,
                        (a, b) -> resourceVersionOrder(a.getMetadata()) >= resourceVersionOrder(b.getMetadata()) ? a : b);
            }
        }
        List<Stored<S>> stored = new ArrayList<>();
        for (GenericKubernetesResource r : newest.values()) {
            @SuppressWarnings("unchecked")   // readBefore maps each object to what it was read as, here always type
            Stored<S> s = (Stored<S>) readBefore.get(r);
            if (s == null) {
                s = read(r, type);
            }
            readNow.put(r, s);
            stored.add(s);
        }
        return stored;
    }

    private <S> Stored<S> read(GenericKubernetesResource r, Class<S> type) {
        S spec = null;
        String unreadable = null;
        try {
            // A missing or null spec reads as an empty one, which the validator rejects for what it lacks.
            spec = readSpec(Objects.requireNonNullElse(r.getAdditionalProperties().get("spec"), Map.of()), type);
        } catch (IllegalArgumentException e) {
            unreadable = schemaProblem(r.getKind(), e);
        }
        return new Stored<>(r.getMetadata(), r.getApiVersion(), r.getKind(), spec, unreadable);
    }

    private <S> S readSpec(Object spec, Class<S> type) {
        return client.getKubernetesSerialization().convertValue(spec, type);
    }

    /** Where in the spec Jackson stopped and why, e.g. {@code spec.http[0].retries does not fit ...}. */
    private static String schemaProblem(String kind, IllegalArgumentException e) {
        StringBuilder path = new StringBuilder("spec");
        String why = Objects.toString(e.getMessage(), "unreadable");
        if (e.getCause() instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference ref : mapping.getPath()) {
                if (ref.getFieldName() != null) {
                    path.append('.').append(ref.getFieldName());
                } else if (ref.getIndex() >= 0) {
                    path.append('[').append(ref.getIndex()).append(']');
                }
            }
            why = mapping.getOriginalMessage();
        }
        int nl = why.indexOf('\n');
        return path + " does not fit Istio's " + kind + " schema: " + (nl < 0 ? why : why.substring(0, nl));
    }

    private SharedIndexInformer<GenericKubernetesResource> informer(ResourceDefinitionContext type) {
        return client.genericKubernetesResources(type).inAnyNamespace().runnableInformer(0);
    }

    private static long resourceVersionOrder(ObjectMeta meta) {
        try {
            return Long.parseLong(meta.getResourceVersion());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        rebuilder.shutdownNow();
        vsInformers.forEach(SharedIndexInformer::close);
        drInformers.forEach(SharedIndexInformer::close);
        if (serviceInformer != null) {
            serviceInformer.close();
        }
        if (podInformer != null) {
            podInformer.close();
        }
        events.close();
        client.close();
    }
}
