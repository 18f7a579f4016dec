package io.k1s0.fault.istio;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds faults left in the cluster (by the {@code fault.k1s0.io/run-id} label, in all namespaces) and removes
 * those that are expired, belong to a given run, or whose owning Job is gone.
 */
public final class FaultSweeper {

    private static final Logger LOG = LoggerFactory.getLogger(FaultSweeper.class);
    private static final String JOB_OWNER = "job/";

    private final KubernetesClient client;
    private final VirtualServiceStore store;
    private final Clock clock;

    public FaultSweeper(KubernetesClient client, Clock clock) {
        this.client = client;
        this.store = new VirtualServiceStore(client, VirtualServiceStore.BeforeWrite.NONE);
        this.clock = clock;
    }

    /** Removes faults whose expires-at is before now, or that carry no readable expires-at. */
    public List<SweptFault> sweepExpired() {
        return sweep(Optional.empty(), false);
    }

    /** Removes expired faults, all faults of {@code runId}, and faults whose owner Job no longer exists. */
    public List<SweptFault> sweep(Optional<String> runId, boolean orphans) {
        runId.ifPresent(FaultMarkers::checkRunId);
        Instant now = clock.instant();
        List<SweptFault> swept = new ArrayList<>();
        List<VirtualService> marked = store.api().inAnyNamespace().withLabel(FaultMarkers.RUN_ID_LABEL).list().getItems();
        for (VirtualService vs : marked) {
            String run = vs.getMetadata().getLabels().get(FaultMarkers.RUN_ID_LABEL);
            Optional<SweptFault.Reason> reason = reason(vs, run, now, runId, orphans);
            if (reason.isEmpty()) {
                continue;
            }
            String ns = vs.getMetadata().getNamespace();
            String name = vs.getMetadata().getName();
            int routes = new FaultRemover(store, run).remove(ns, name).routesRemoved();
            LOG.info("Swept run {} from VirtualService {}/{} ({}, {} route(s))", run, ns, name, reason.get(), routes);
            swept.add(new SweptFault(ns, name, run, reason.get(), routes));
        }
        return swept;
    }

    private Optional<SweptFault.Reason> reason(VirtualService vs, String run, Instant now, Optional<String> runId,
                                               boolean orphans) {
        if (runId.isPresent() && runId.get().equals(run)) {
            return Optional.of(SweptFault.Reason.RUN_ID);
        }
        String expiresAt = FaultRemover.annotation(vs, FaultMarkers.EXPIRES_AT);
        try {
            if (expiresAt == null || Instant.parse(expiresAt).isBefore(now)) {
                return Optional.of(SweptFault.Reason.EXPIRED);
            }
        } catch (DateTimeParseException e) {
            // An unreadable expiry cannot protect the fault from being swept.
            return Optional.of(SweptFault.Reason.EXPIRED);
        }
        if (orphans && ownerJobGone(FaultRemover.annotation(vs, FaultMarkers.OWNER))) {
            return Optional.of(SweptFault.Reason.ORPHANED);
        }
        return Optional.empty();
    }

    private boolean ownerJobGone(String owner) {
        if (owner == null || !owner.startsWith(JOB_OWNER)) {
            return false;
        }
        String[] parts = owner.substring(JOB_OWNER.length()).split("/", 2);
        if (parts.length != 2) {
            return false;
        }
        return client.batch().v1().jobs().inNamespace(parts[0]).withName(parts[1]).get() == null;
    }
}
