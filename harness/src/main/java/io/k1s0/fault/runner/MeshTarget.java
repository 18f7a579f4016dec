package io.k1s0.fault.runner;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.MetricsEndpoint;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The mesh one run talks to: its Kubernetes API, where traffic leaves from and which sidecar metrics to read.
 * {@link #local} starts the embedded mesh with the bundled k1s0 topology; {@link #cluster} uses a kubeconfig
 * (or in-cluster configuration).
 */
final class MeshTarget implements AutoCloseable {

    static final String TOPOLOGY_RESOURCE = "k1s0-local-topology.yaml";
    /**
     * manifests/ folders applied to the local mesh (no Flagger, no fault window), DestinationRules first: a
     * VirtualService naming a subset no DestinationRule defines yet is rejected (Istio's "make before break").
     */
    static final List<String> LOCAL_MANIFEST_FOLDERS = List.of("circuit-breakers", "tier-defaults", "routing");

    /** Where traffic leaves from and what to scrape for that caller. */
    interface VantageLookup {
        Optional<URI> proxy(String workload, String namespace);

        List<URI> metrics(String workload, String namespace);
    }

    private final String kind;
    private final KubernetesClient client;
    private final Optional<String> kubeContext;
    private final VantageLookup vantage;
    private final AutoCloseable owner;

    private MeshTarget(String kind, KubernetesClient client, Optional<String> kubeContext, VantageLookup vantage,
                       AutoCloseable owner) {
        this.kind = kind;
        this.client = client;
        this.kubeContext = kubeContext;
        this.vantage = vantage;
        this.owner = owner;
    }

    /** Starts the embedded mesh and applies the design's manifests from {@code manifestsDir} (if it exists). */
    static MeshTarget local(Path manifestsDir) {
        LocalMesh mesh = LocalMesh.builder().workloads(bundledTopology()).start();
        try {
            applyManifests(mesh.client(), manifestsDir);
        } catch (RuntimeException e) {
            mesh.close();
            throw e;
        }
        VantageLookup lookup = new VantageLookup() {
            @Override
            public Optional<URI> proxy(String workload, String namespace) {
                return Optional.of(mesh.proxyFor(workload, namespace));
            }

            @Override
            public List<URI> metrics(String workload, String namespace) {
                return mesh.metricsEndpoints().stream()
                        .filter(m -> m.workload().equals(workload) && m.namespace().equals(namespace))
                        .map(MetricsEndpoint::url).toList();
            }
        };
        return new MeshTarget("local", mesh.client(), Optional.empty(), lookup, mesh);
    }

    /**
     * An existing cluster. Out of the mesh (e.g. a standalone local-mesh) {@code vantageProxy} is the caller's
     * sidecar proxy; in the staging pod it is empty and requests leave through the pod's own sidecar.
     */
    static MeshTarget cluster(Optional<URI> vantageProxy, List<URI> metricsEndpoints) {
        Config config = Config.autoConfigure(null);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Optional<String> context = Optional.ofNullable(config.getCurrentContext()).map(c -> c.getName());
        VantageLookup lookup = new VantageLookup() {
            @Override
            public Optional<URI> proxy(String workload, String namespace) {
                return vantageProxy;
            }

            @Override
            public List<URI> metrics(String workload, String namespace) {
                return metricsEndpoints;
            }
        };
        return new MeshTarget("cluster", client, context, lookup, client);
    }

    String kind() {
        return kind;
    }

    boolean isLocal() {
        return "local".equals(kind);
    }

    KubernetesClient client() {
        return client;
    }

    /** The current kube context; empty for the local mesh and in cluster. */
    Optional<String> kubeContext() {
        return kubeContext;
    }

    VantageLookup vantage() {
        return vantage;
    }

    static List<WorkloadSpec> bundledTopology() {
        try {
            Path file = writeBundledTopology(Files.createTempFile("k1s0-local-topology", ".yaml"));
            try {
                return WorkloadsFile.read(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the bundled topology " + TOPOLOGY_RESOURCE, e);
        }
    }

    /** Copies the bundled topology to {@code file}, a workloads file for {@code fault-runner local-mesh}. */
    static Path writeBundledTopology(Path file) throws IOException {
        try (InputStream in = MeshTarget.class.getResourceAsStream(TOPOLOGY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TOPOLOGY_RESOURCE + " is missing from the jar");
            }
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }

    static void applyManifests(KubernetesClient client, Path manifestsDir) {
        if (manifestsDir == null || !Files.isDirectory(manifestsDir)) {
            return;
        }
        for (String folder : LOCAL_MANIFEST_FOLDERS) {
            Path dir = manifestsDir.resolve(folder);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        for (HasMetadata item : client.load(in).items()) {
                            client.resource(item).createOr(NonDeletingOperation::update);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read manifests in " + dir, e);
            }
        }
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not close the " + kind + " mesh: " + e.getMessage(), e);
        }
    }
}
