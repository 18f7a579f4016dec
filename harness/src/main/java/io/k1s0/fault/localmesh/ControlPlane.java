package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.DestinationRule;
import io.fabric8.istio.api.api.networking.v1alpha3.Subset;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.fabric8.istio.client.IstioClient;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local istiod: informers on VirtualService and DestinationRule (every served version), Service and Pod
 * rebuild an immutable {@link MeshSnapshot} on each change and publish it atomically. A resource that fails
 * validation never reaches a snapshot: its last accepted version stays in force and the rejection is logged
 * and written as a Kubernetes Event on the resource.
 */
final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    static final String REJECTED_REASON = "RejectedConfig";
    static final String CONFLICT_REASON = "ConflictingMeshGatewayVirtualServiceHosts";

    /** One stored object of a kind, whichever API version it was written through. */
    record Stored<S>(ObjectMeta meta, String apiVersion, String kind, S spec) {
        String key() {
            return meta.getNamespace() + "/" + meta.getName();
        }

        String resourceVersion() {
            return Objects.toString(meta.getResourceVersion(), "");
        }
    }

    private final KubernetesClient client;
    private final EventRecorder events;
    private final AtomicReference<MeshSnapshot> current = new AtomicReference<>(MeshSnapshot.empty());
    private final List<SharedIndexInformer<? extends HasMetadata>> vsInformers = new ArrayList<>();
    private final List<SharedIndexInformer<? extends HasMetadata>> drInformers = new ArrayList<>();
    private SharedIndexInformer<Service> serviceInformer;
    private SharedIndexInformer<Pod> podInformer;
    private final ExecutorService rebuilder = Executors.newSingleThreadExecutor(r -> daemon(r, "local-istiod"));
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

    // Rebuild-thread state: the last accepted version of each resource, and what was already reported.
    private final Map<String, Stored<VirtualService>> acceptedVs = new HashMap<>();
    private final Map<String, Stored<DestinationRule>> acceptedDr = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private long nextVersion = 1;

    private ControlPlane(KubernetesClient client) {
        this.client = client;
        this.events = new EventRecorder(client);
    }

    /** Starts informers through a client of its own to {@code api}'s server; {@link #close()} closes that client. */
    static ControlPlane start(KubernetesClient api) {
        ControlPlane cp = new ControlPlane(WatchedKindsClient.to(api));
        try {
            cp.startInformers();
        } catch (RuntimeException e) {
            cp.close();
            throw e;
        }
        cp.requestRebuild();
        return cp;
    }

    /**
     * The client the control plane watches through. Registering the workloads through it as well builds Jackson's
     * Pod and Service (de)serializers once per start instead of once per client (measured: 0.1–0.15 s of a cold start).
     */
    KubernetesClient client() {
        return client;
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

    private record Waiter(Predicate<MeshSnapshot> condition, CompletableFuture<MeshSnapshot> result) {
        void offer(MeshSnapshot s) {
            if (condition.test(s)) {
                result.complete(s);
            }
        }
    }

    private void startInformers() {
        IstioClient istio = client.adapt(IstioClient.class);
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
        vsInformers.add(istio.v1().virtualServices().inAnyNamespace().runnableInformer(0));
        vsInformers.add(istio.v1beta1().virtualServices().inAnyNamespace().runnableInformer(0));
        vsInformers.add(istio.v1alpha3().virtualServices().inAnyNamespace().runnableInformer(0));
        drInformers.add(istio.v1().destinationRules().inAnyNamespace().runnableInformer(0));
        drInformers.add(istio.v1beta1().destinationRules().inAnyNamespace().runnableInformer(0));
        drInformers.add(istio.v1alpha3().destinationRules().inAnyNamespace().runnableInformer(0));
        serviceInformer = client.services().inAnyNamespace().runnableInformer(0);
        podInformer = client.pods().inAnyNamespace().runnableInformer(0);
        List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>(vsInformers);
        all.addAll(drInformers);
        all.add(serviceInformer);
        all.add(podInformer);
        // Start all informers at once and wait for every initial list: sequential starts add up.
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        for (SharedIndexInformer<? extends HasMetadata> informer : all) {
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
        Map<String, ServiceTarget> services = services();
        List<Stored<DestinationRule>> drs = newestPerKey(drInformers, r -> spec(r, DestinationRule.class));
        List<MeshSnapshot.Accepted<DestinationRule>> acceptedDrs = new ArrayList<>();
        acceptedDr.keySet().retainAll(drs.stream().map(Stored::key).toList());
        for (Stored<DestinationRule> dr : drs) {
            List<String> problems = IstioValidator.validate(dr.spec());
            Stored<DestinationRule> use = admit(dr, problems, acceptedDr);
            if (use != null) {
                acceptedDrs.add(new MeshSnapshot.Accepted<>(
                        new AppliedResource<>(use.meta().getName(), use.meta().getNamespace(), use.spec()),
                        use.meta().getCreationTimestamp(),
                        List.of(HostNames.qualify(use.spec().getHost(), use.meta().getNamespace())),
                        use.spec().getExportTo()));
            }
        }

        List<Stored<VirtualService>> vss = newestPerKey(vsInformers, r -> spec(r, VirtualService.class));
        acceptedVs.keySet().retainAll(vss.stream().map(Stored::key).toList());
        List<MeshSnapshot.Accepted<VirtualService>> acceptedVss = new ArrayList<>();
        for (Stored<VirtualService> vs : vss) {
            List<String> problems = IstioValidator.validate(vs.spec(), vs.meta().getNamespace(),
                    (host, ns) -> subsets(acceptedDrs, HostNames.qualify(host, ns), ns));
            Stored<VirtualService> use = admit(vs, problems, acceptedVs);
            if (use != null) {
                List<String> hosts = use.spec().getHosts().stream().map(h -> HostNames.qualify(h, use.meta().getNamespace())).toList();
                acceptedVss.add(new MeshSnapshot.Accepted<>(
                        new AppliedResource<>(use.meta().getName(), use.meta().getNamespace(), use.spec()),
                        use.meta().getCreationTimestamp(), hosts, use.spec().getExportTo()));
            }
        }
        reportConflicts(acceptedVss, vss);

        MeshSnapshot snapshot = new MeshSnapshot(nextVersion++, services, acceptedVss, acceptedDrs);
        current.set(snapshot);
        LOG.debug("published {}", snapshot);
        waiters.forEach(w -> w.offer(snapshot));
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
        List<Pod> pods = podInformer.getStore().list();
        Map<String, ServiceTarget> result = new HashMap<>();
        for (Service svc : serviceInformer.getStore().list()) {
            if (svc.getSpec() == null || svc.getSpec().getPorts() == null || svc.getSpec().getPorts().isEmpty()) {
                continue;
            }
            String ns = svc.getMetadata().getNamespace();
            Map<String, String> selector = Optional.ofNullable(svc.getSpec().getSelector()).orElse(Map.of());
            List<Endpoint> endpoints = new ArrayList<>();
            if (!selector.isEmpty()) {
                for (Pod pod : pods) {
                    if (ns.equals(pod.getMetadata().getNamespace()) && WorkloadPods.selects(selector, pod) && WorkloadPods.isReady(pod)) {
                        WorkloadPods.endpoint(pod).ifPresent(endpoints::add);
                    }
                }
            }
            endpoints.sort(java.util.Comparator.comparing(Endpoint::podName));
            ServiceTarget target = new ServiceTarget(svc.getMetadata().getName(), ns, svc.getSpec().getPorts().get(0).getPort(), endpoints);
            result.put(target.fqdn(), target);
        }
        return result;
    }

    private static <S> List<Stored<S>> newestPerKey(List<SharedIndexInformer<? extends HasMetadata>> informers, Function<HasMetadata, S> spec) {
        // The embedded API stores each version separately; a real API server has one object per name. The
        // most recently written version (highest resourceVersion) stands for the object.
        Map<String, Stored<S>> newest = new HashMap<>();
        for (SharedIndexInformer<? extends HasMetadata> informer : informers) {
            for (HasMetadata r : informer.getStore().list()) {
                Stored<S> s = new Stored<>(r.getMetadata(), r.getApiVersion(), r.getKind(), spec.apply(r));
                newest.merge(s.key(), s, (a, b) -> resourceVersionOrder(a.resourceVersion()) >= resourceVersionOrder(b.resourceVersion()) ? a : b);
            }
        }
        return new ArrayList<>(newest.values());
    }

    private static long resourceVersionOrder(String rv) {
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static <S> S spec(HasMetadata r, Class<S> type) {
        if (r instanceof io.fabric8.istio.api.networking.v1.VirtualService v) {
            return type.cast(v.getSpec());
        }
        if (r instanceof io.fabric8.istio.api.networking.v1beta1.VirtualService v) {
            return type.cast(v.getSpec());
        }
        if (r instanceof io.fabric8.istio.api.networking.v1alpha3.VirtualService v) {
            return type.cast(v.getSpec());
        }
        if (r instanceof io.fabric8.istio.api.networking.v1.DestinationRule d) {
            return type.cast(d.getSpec());
        }
        if (r instanceof io.fabric8.istio.api.networking.v1beta1.DestinationRule d) {
            return type.cast(d.getSpec());
        }
        if (r instanceof io.fabric8.istio.api.networking.v1alpha3.DestinationRule d) {
            return type.cast(d.getSpec());
        }
        throw new IllegalArgumentException("not an Istio networking resource: " + r.getKind());
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
