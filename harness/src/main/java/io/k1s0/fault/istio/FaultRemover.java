package io.k1s0.fault.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.istio.api.networking.v1.VirtualService;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes one run's routes and markers from one VirtualService, or the whole VirtualService when it was ours. */
final class FaultRemover {

    private static final Logger LOG = LoggerFactory.getLogger(FaultRemover.class);

    private final VirtualServiceStore store;
    private final String runId;

    FaultRemover(VirtualServiceStore store, String runId) {
        this.store = store;
        this.runId = runId;
    }

    /** Removes this run's parts; {@link FaultRemoval#NOTHING} when nothing of this run was there. */
    FaultRemoval remove(String namespace, String name) {
        String prefix = FaultMarkers.prefix(runId);
        int[] removed = new int[1];
        boolean[] deleteAfter = new boolean[1];
        Optional<VirtualService> stored = store.update(namespace, name, vs -> {
            JsonNode spec = VirtualServiceStore.specTree(vs);
            removed[0] = FaultRoutes.countPrefixed(spec, prefix);
            boolean marked = runId.equals(label(vs));
            if (removed[0] == 0 && !marked) {
                return null;
            }
            JsonNode stripped = FaultRoutes.withoutPrefixed(spec, prefix);
            boolean dedicated = "true".equals(annotation(vs, FaultMarkers.DEDICATED));
            // A dedicated VirtualService someone else added routes to is kept, without our parts.
            deleteAfter[0] = dedicated && stripped.path("http").isEmpty();
            VirtualServiceStore.setSpecTree(vs, stripped);
            Map<String, String> labels = new HashMap<>(vs.getMetadata().getLabels() == null
                    ? Map.of() : vs.getMetadata().getLabels());
            labels.remove(FaultMarkers.RUN_ID_LABEL);
            vs.getMetadata().setLabels(labels);
            Map<String, String> annotations = new HashMap<>(vs.getMetadata().getAnnotations() == null
                    ? Map.of() : vs.getMetadata().getAnnotations());
            annotations.remove(FaultMarkers.EXPIRES_AT);
            annotations.remove(FaultMarkers.OWNER);
            annotations.remove(FaultMarkers.DEDICATED);
            vs.getMetadata().setAnnotations(annotations);
            return vs;
        });
        if (stored.isEmpty()) {
            return FaultRemoval.NOTHING;
        }
        if (deleteAfter[0]) {
            store.delete(stored.get());
            LOG.info("Deleted dedicated VirtualService {}/{} of run {}", namespace, name, runId);
            return new FaultRemoval(removed[0], Optional.empty(), stored);
        }
        LOG.info("Removed {} route(s) of run {} from VirtualService {}/{}", removed[0], runId, namespace, name);
        return new FaultRemoval(removed[0], stored, Optional.empty());
    }

    private static String label(VirtualService vs) {
        return vs.getMetadata().getLabels() == null ? null : vs.getMetadata().getLabels().get(FaultMarkers.RUN_ID_LABEL);
    }

    static String annotation(VirtualService vs, String key) {
        return vs.getMetadata().getAnnotations() == null ? null : vs.getMetadata().getAnnotations().get(key);
    }
}
