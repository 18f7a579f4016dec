package io.k1s0.fault.localmesh;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
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

    /** The server and its client with the CRDs registered: the API as a test of this class sees it. */
    static EmbeddedApiServer start() {
        EmbeddedApiServer api = startWithoutCrds();
        try {
            api.registerCrds();
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
        return api;
    }

    /**
     * The server and its client only. Built-in kinds (Pods, Services) can be written at once; the Istio and Flagger
     * kinds are served after {@link #registerCrds()}, which the local mesh runs while it registers its workloads.
     */
    static EmbeddedApiServer startWithoutCrds() {
        warmCrdReading();
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
        LOG.debug("API start phases: server {} ms, client {} ms", (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
        return new EmbeddedApiServer(server, client);
    }

    /** Creates the Istio and Flagger CRDs through the client; returns this API once the mock serves their kinds. */
    EmbeddedApiServer registerCrds() {
        long t0 = System.nanoTime();
        for (IstioCrds.Kind kind : IstioCrds.ALL) {
            client.genericKubernetesResources(IstioCrds.CRDS).resource(IstioCrds.definition(kind)).create();
        }
        LOG.info("embedded Kubernetes API on {} with {} CRDs", server.url("/"), IstioCrds.ALL.size());
        LOG.debug("API CRDs registered in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return this;
    }

    /**
     * The mock reads every CRD it is sent as a typed {@code CustomResourceDefinition} through fabric8's global
     * {@code Serialization}; the first read builds that whole type's Jackson deserializers (160-185 ms in a fresh JVM).
     * Building them on a side thread while the server and the client start takes it off the start's critical path:
     * median cold start 1,427 against 1,533 ms in 7 alternating pairs (docs/local-mesh-benchmark.md).
     */
    @SuppressWarnings("deprecation")   // the mock itself uses the deprecated global Serialization: its cache is the one to fill
    private static void warmCrdReading() {
        Thread warm = new Thread(() -> {
            try {
                io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\"}", CustomResourceDefinition.class);
            } catch (RuntimeException e) {
                LOG.debug("warming the mock's CRD reading failed; the first CRD pays for it instead", e);
            }
        }, "local-mesh-crd-warm");
        warm.setDaemon(true);
        warm.start();
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
