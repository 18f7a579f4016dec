package io.k1s0.fault.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.istio.api.networking.v1.VirtualServiceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs and removes the faults of one run. A fault goes in as faulted copies of the host's routes at the front
 * of its existing VirtualService (route names {@code fh-<runId>-…}); a host without one gets a dedicated
 * VirtualService. Original routes are never edited, so removal deletes what carries the prefix and the spec is
 * restored exactly, also when someone else edited the VirtualService in between.
 */
public final class FaultInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInstaller.class);

    private final VirtualServiceStore store;
    private final KubernetesClient client;
    private final String runId;
    private final String owner;
    private final Clock clock;

    /**
     * @param runId lower-case DNS-label text of at most 20 characters; becomes the route-name prefix and the label
     * @param owner who installed, e.g. {@code job/k1s0-chaos/fault-runner-29123} (a Job lets the sweeper find orphans)
     */
    public FaultInstaller(KubernetesClient client, String runId, String owner, Clock clock) {
        this(client, runId, owner, clock, VirtualServiceStore.BeforeWrite.NONE);
    }

    FaultInstaller(KubernetesClient client, String runId, String owner, Clock clock, VirtualServiceStore.BeforeWrite seam) {
        this.client = Objects.requireNonNull(client, "client");
        this.runId = FaultMarkers.checkRunId(runId);
        this.owner = Objects.requireNonNull(owner, "owner");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.store = new VirtualServiceStore(client, seam);
    }

    public String runId() {
        return runId;
    }

    /** Installs the fault; it expires {@code ttl} from now (the sweeper removes it after that). */
    public InstalledFault install(FaultSpec fault, Duration ttl) {
        Instant expiresAt = expiry(ttl);
        Optional<VirtualService> existing = findFor(fault);
        if (existing.isEmpty()) {
            VirtualService created = store.create(dedicated(fault, expiresAt));
            LOG.info("Created VirtualService {}/{} for {} (the host had none), expires {}",
                    fault.namespace(), created.getMetadata().getName(), fault.fqdn(), expiresAt);
            return new InstalledFault(runId, fault.namespace(), created.getMetadata().getName(), true,
                    routeNames(VirtualServiceStore.specTree(created)), expiresAt, null);
        }
        String name = existing.get().getMetadata().getName();
        String[] hashBefore = new String[1];
        VirtualService stored = store.update(fault.namespace(), name, read -> {
            hashBefore[0] = SpecFingerprint.of(read);
            return withFault(read, fault, expiresAt);
        }).orElseThrow(() -> new IllegalStateException("VirtualService " + fault.namespace() + "/" + name
                + " disappeared while installing the fault"));
        List<String> names = routeNames(VirtualServiceStore.specTree(stored));
        LOG.info("Inserted {} faulted route(s) into VirtualService {}/{}, expires {}", names.size(), fault.namespace(),
                name, expiresAt);
        return new InstalledFault(runId, fault.namespace(), name, false, names, expiresAt, hashBefore[0]);
    }

    /**
     * Removes what {@link #install} put in: the prefixed routes and the markers, or the dedicated VirtualService.
     * Idempotent; returns the routes removed and the VirtualService as written back or deleted.
     */
    public FaultRemoval remove(InstalledFault installed) {
        if (!installed.runId().equals(runId)) {
            throw new IllegalArgumentException("installed.runId: '" + installed.runId() + "' is not allowed; allowed: '"
                    + runId + "' (this installer's run)");
        }
        return new FaultRemover(store, runId).remove(installed.namespace(), installed.virtualService());
    }

    /** The VirtualService changes {@link #install} would make now, as YAML; reads the cluster, writes nothing. */
    public VirtualServiceChange plan(FaultSpec fault, Duration ttl) {
        Instant expiresAt = expiry(ttl);
        var serialization = client.getKubernetesSerialization();
        Optional<VirtualService> existing = findFor(fault);
        if (existing.isEmpty()) {
            VirtualService vs = dedicated(fault, expiresAt);
            return new VirtualServiceChange(VirtualServiceChange.Action.CREATE, fault.namespace(),
                    vs.getMetadata().getName(), "", serialization.asYaml(vs));
        }
        VirtualService before = existing.get();
        VirtualService after = withFault(serialization.clone(before), fault, expiresAt);
        return new VirtualServiceChange(VirtualServiceChange.Action.UPDATE, fault.namespace(),
                before.getMetadata().getName(), serialization.asYaml(before), serialization.asYaml(after));
    }

    private Instant expiry(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl: " + ttl + " is not allowed; allowed: a positive duration");
        }
        return clock.instant().plus(ttl).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private Optional<VirtualService> findFor(FaultSpec fault) {
        List<VirtualService> matching = store.list(fault.namespace()).stream()
                .filter(vs -> FaultRoutes.namesHost(VirtualServiceStore.specTree(vs), fault))
                .toList();
        if (matching.size() > 1) {
            // Istio does not merge VirtualServices for sidecars; which one wins is not ours to guess.
            throw new IllegalStateException("host " + fault.fqdn() + " is named by " + matching.size()
                    + " VirtualServices (" + matching.stream().map(vs -> vs.getMetadata().getName())
                    .collect(Collectors.joining(", ")) + "); allowed: at most one");
        }
        return matching.stream().findFirst();
    }

    private VirtualService withFault(VirtualService vs, FaultSpec fault, Instant expiresAt) {
        ObjectMeta meta = vs.getMetadata();
        Map<String, String> labels = meta.getLabels() == null ? new HashMap<>() : new HashMap<>(meta.getLabels());
        String otherRun = labels.get(FaultMarkers.RUN_ID_LABEL);
        if (otherRun != null && !otherRun.equals(runId)) {
            String otherExpiry = meta.getAnnotations() == null ? "?" : meta.getAnnotations().get(FaultMarkers.EXPIRES_AT);
            throw new IllegalStateException("VirtualService " + meta.getNamespace() + "/" + meta.getName()
                    + " already carries faults of run '" + otherRun + "' (expires-at " + otherExpiry
                    + "); remove them first, e.g. with 'fault-runner sweep'");
        }
        JsonNode spec = FaultRoutes.withFaultCopies(VirtualServiceStore.specTree(vs), fault,
                FaultMarkers.prefix(runId), meta.getName());
        VirtualServiceStore.setSpecTree(vs, spec);
        labels.put(FaultMarkers.RUN_ID_LABEL, runId);
        meta.setLabels(labels);
        Map<String, String> annotations = meta.getAnnotations() == null ? new HashMap<>() : new HashMap<>(meta.getAnnotations());
        annotations.merge(FaultMarkers.EXPIRES_AT, format(expiresAt), FaultInstaller::later);
        annotations.put(FaultMarkers.OWNER, owner);
        meta.setAnnotations(annotations);
        return vs;
    }

    private VirtualService dedicated(FaultSpec fault, Instant expiresAt) {
        VirtualService vs = new VirtualServiceBuilder()
                .withNewMetadata()
                .withName(FaultMarkers.prefix(runId) + fault.service())
                .withNamespace(fault.namespace())
                .addToLabels(FaultMarkers.RUN_ID_LABEL, runId)
                .addToAnnotations(FaultMarkers.EXPIRES_AT, format(expiresAt))
                .addToAnnotations(FaultMarkers.OWNER, owner)
                .addToAnnotations(FaultMarkers.DEDICATED, "true")
                .endMetadata()
                .build();
        VirtualServiceStore.setSpecTree(vs, FaultRoutes.dedicatedSpec(fault, FaultMarkers.prefix(runId)));
        return vs;
    }

    private List<String> routeNames(JsonNode spec) {
        List<String> names = new ArrayList<>();
        String prefix = FaultMarkers.prefix(runId);
        for (JsonNode route : spec.path("http")) {
            String name = route.path("name").asText("");
            if (name.startsWith(prefix)) {
                names.add(name);
            }
        }
        return names;
    }

    static String format(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    private static String later(String a, String b) {
        return Instant.parse(a).isAfter(Instant.parse(b)) ? a : b;
    }
}
