package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Kubernetes API: fabric8's mock server in CRUD mode on a free loopback port, with the Istio
 * and Flagger CRDs created through the client (the mock serves a custom resource only once its CRD exists).
 */
final class EmbeddedApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedApiServer.class);

    // The mock server logs every request at INFO through java.util.logging; that console I/O dominates start-up.
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");

    static {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private EmbeddedApiServer(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
    }

    static EmbeddedApiServer start() {
        long t0 = System.nanoTime();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new DiscoveryDispatcher(new KubernetesCrudDispatcher()), false);
        try {
            server.init(InetAddress.getLoopbackAddress(), 0);
        } catch (RuntimeException e) {
            throw new IllegalStateException("embedded Kubernetes API did not start on 127.0.0.1", e);
        }
        long t1 = System.nanoTime();
        KubernetesClient client = server.createClient();
        long t2 = System.nanoTime();
        for (IstioCrds.Kind kind : IstioCrds.ALL) {
            client.genericKubernetesResources(IstioCrds.CRDS).resource(IstioCrds.definition(kind)).create();
        }
        LOG.info("embedded Kubernetes API on {} with {} CRDs", server.url("/"), IstioCrds.ALL.size());
        LOG.debug("API start phases: server {} ms, client {} ms, CRDs {} ms",
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        return new EmbeddedApiServer(server, client);
    }

    KubernetesClient client() {
        return client;
    }

    /** The API's base URL, e.g. {@code http://127.0.0.1:40123/}. */
    URI url() {
        return URI.create(server.url("/"));
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
