package io.k1s0.fault.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.istio.api.networking.v1.VirtualServiceList;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes VirtualServices with optimistic concurrency: read, change, update with the read
 * resourceVersion, and on 409 Conflict read again and redo the change (server-side apply is not used because
 * the embedded API server does not support it).
 */
final class VirtualServiceStore {

    /** Test seam: runs between the read and the write of every attempt. */
    interface BeforeWrite {
        BeforeWrite NONE = read -> { };

        void run(VirtualService read);
    }

    static final int MAX_ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(VirtualServiceStore.class);
    private static final ObjectMapper TREE = new ObjectMapper();

    private final KubernetesClient client;
    private final BeforeWrite beforeWrite;

    VirtualServiceStore(KubernetesClient client, BeforeWrite beforeWrite) {
        this.client = client;
        this.beforeWrite = beforeWrite;
    }

    MixedOperation<VirtualService, VirtualServiceList, Resource<VirtualService>> api() {
        return client.resources(VirtualService.class, VirtualServiceList.class);
    }

    List<VirtualService> list(String namespace) {
        return api().inNamespace(namespace).list().getItems();
    }

    Optional<VirtualService> get(String namespace, String name) {
        return Optional.ofNullable(api().inNamespace(namespace).withName(name).get());
    }

    VirtualService create(VirtualService vs) {
        return api().inNamespace(vs.getMetadata().getNamespace()).resource(vs).create();
    }

    void delete(VirtualService vs) {
        api().inNamespace(vs.getMetadata().getNamespace()).withName(vs.getMetadata().getName()).delete();
    }

    /**
     * Applies {@code change} to a fresh read until the update is accepted. The change returns the object to write,
     * or {@code null} to write nothing. Returns what the server stored, or empty when nothing was written or the
     * object is gone.
     */
    Optional<VirtualService> update(String namespace, String name, UnaryOperator<VirtualService> change) {
        for (int attempt = 1; ; attempt++) {
            VirtualService read = get(namespace, name).orElse(null);
            if (read == null) {
                return Optional.empty();
            }
            VirtualService changed = change.apply(client.getKubernetesSerialization().clone(read));
            if (changed == null) {
                return Optional.empty();
            }
            beforeWrite.run(read);
            try {
                return Optional.of(api().inNamespace(namespace).resource(changed).update());
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                LOG.info("VirtualService {}/{} changed since read (attempt {} of {}); reading again",
                        namespace, name, attempt, MAX_ATTEMPTS);
            }
        }
    }

    static JsonNode specTree(VirtualService vs) {
        return vs.getSpec() == null ? TREE.createObjectNode() : TREE.valueToTree(vs.getSpec());
    }

    static void setSpecTree(VirtualService vs, JsonNode spec) {
        try {
            vs.setSpec(TREE.treeToValue(spec, io.fabric8.istio.api.api.networking.v1alpha3.VirtualService.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("VirtualService spec does not map to Istio's model: " + spec, e);
        }
    }
}
