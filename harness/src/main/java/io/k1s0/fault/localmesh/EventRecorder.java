package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes core/v1 Events about Istio resources, off the control plane's rebuild thread. */
final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    static final String COMPONENT = "local-istiod";

    private final KubernetesClient client;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-istiod-events");
        t.setDaemon(true);
        return t;
    });

    EventRecorder(KubernetesClient client) {
        this.client = client;
    }

    void warn(ObjectMeta about, String apiVersion, String kind, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(about.getName() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
                .withNamespace(about.getNamespace())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(about.getName())
                .withNamespace(about.getNamespace())
                .withUid(about.getUid())
                .withResourceVersion(about.getResourceVersion())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        if (writer.isShutdown()) {
            return;
        }
        writer.execute(() -> {
            try {
                client.v1().events().inNamespace(about.getNamespace()).resource(event).create();
            } catch (KubernetesClientException e) {
                LOG.warn("could not write Event {} about {} {}/{}: {}", reason, kind, about.getNamespace(), about.getName(), e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            // Events already queued still reach the API before the caller closes the client.
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Kubernetes Events still queued after 5 s were dropped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
