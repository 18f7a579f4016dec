package io.k1s0.fault.junit;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.Mesh;
import io.k1s0.fault.environment.MeshEnvironment;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code @MeshResource} manifests one test class applied, labelled with the run ID and the class, held in
 * the class store: closing the store deletes them unless the cleanup mode keeps them.
 */
final class ClassResources implements AutoCloseable {

    /** Label naming the test class that applied a resource. */
    static final String CLASS_LABEL = "fault.k1s0.io/test-class";

    private static final Logger LOG = LoggerFactory.getLogger(ClassResources.class);

    private final MeshEnvironment environment;
    private final KubernetesClient client;
    private final String runId;
    private final String testClass;
    private final CleanupMode cleanup;
    private final List<HasMetadata> applied = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean failed = new AtomicBoolean();

    ClassResources(MeshEnvironment environment, String runId, String testClass, CleanupMode cleanup) {
        this.environment = environment;
        this.client = environment.client();
        this.runId = runId;
        this.testClass = testClass;
        this.cleanup = cleanup;
    }

    /**
     * Parses every location first (so a broken file applies nothing), then applies in declaration order, and returns
     * once the mesh routes by what it applied ({@link MeshEnvironment#awaitConfigured}): the first test's traffic must not
     * meet the routes from before, such as the previous class's, just deleted.
     *
     * @throws ExtensionConfigurationException naming the location when it is not valid Kubernetes YAML
     */
    void apply(String origin, List<String> locations) {
        List<HasMetadata> items = new ArrayList<>();
        for (String location : locations) {
            for (Locations.Document doc : Locations.read(origin, "value", location)) {
                try {
                    items.addAll(client.load(new ByteArrayInputStream(doc.text().getBytes(StandardCharsets.UTF_8))).items());
                } catch (KubernetesClientException | IllegalArgumentException e) {
                    throw new ExtensionConfigurationException(origin + ": value is '" + location + "', and " + doc.location()
                            + " is not valid Kubernetes YAML (" + e.getMessage() + "); allowed: Kubernetes, Istio or Flagger "
                            + "resources, multi-document YAML", e);
                }
            }
        }
        List<HasMetadata> stored = new ArrayList<>();
        for (HasMetadata item : items) {
            if (item.getMetadata().getNamespace() == null) {
                item.getMetadata().setNamespace("default");
            }
            Map<String, String> labels = new HashMap<>(item.getMetadata().getLabels() == null ? Map.of() : item.getMetadata().getLabels());
            labels.put(Mesh.RUN_ID_LABEL, runId);
            labels.put(CLASS_LABEL, labelValue(testClass));
            item.getMetadata().setLabels(labels);
            HasMetadata written = client.resource(item).createOr(NonDeletingOperation::update);
            applied.add(written);
            stored.add(written);
            LOG.info("applied {} {}/{} for {}", item.getKind(), item.getMetadata().getNamespace(), item.getMetadata().getName(), testClass);
        }
        environment.awaitConfigured(stored, List.of());
    }

    /** Records that a test (or the class's own setup) failed, for {@link CleanupMode#ON_SUCCESS}. */
    void markFailed() {
        failed.set(true);
    }

    List<HasMetadata> applied() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    @Override
    public void close() {
        List<HasMetadata> mine = applied();
        if (mine.isEmpty()) {
            return;
        }
        boolean keep = cleanup == CleanupMode.NEVER || (cleanup == CleanupMode.ON_SUCCESS && failed.get());
        if (keep) {
            Set<String> kinds = mine.stream().map(r -> r.getKind().toLowerCase(java.util.Locale.ROOT))
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            LOG.info("kept {} resource(s) of {} (cleanup {}{}); delete them with: kubectl delete {} -A -l {}={},{}={}",
                    mine.size(), testClass, cleanup, failed.get() ? ", a test failed" : "", String.join(",", kinds),
                    Mesh.RUN_ID_LABEL, runId, CLASS_LABEL, labelValue(testClass));
            return;
        }
        List<HasMetadata> reversed = new ArrayList<>(mine);
        Collections.reverse(reversed);
        RuntimeException first = null;
        List<HasMetadata> deleted = new ArrayList<>();
        for (HasMetadata r : reversed) {
            try {
                client.resource(r).delete();
                deleted.add(r);
            } catch (KubernetesClientException e) {
                LOG.error("could not delete {} {}/{}", r.getKind(), r.getMetadata().getNamespace(), r.getMetadata().getName(), e);
                first = first == null ? e : first;
            }
        }
        LOG.info("deleted {} resource(s) of {}", deleted.size(), testClass);
        try {
            // The next class's first request must not meet these routes any more.
            environment.awaitConfigured(List.of(), deleted);
        } catch (RuntimeException e) {
            first = first == null ? e : first;
        }
        if (first != null) {
            throw first;
        }
    }

    /** A label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
    static String labelValue(String text) {
        String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_");
        cleaned = cleaned.length() > 63 ? cleaned.substring(cleaned.length() - 63) : cleaned;
        return cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }
}
