package io.k1s0.fault.junit;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k1s0.fault.environment.LocalEnvironment;
import io.k1s0.fault.environment.MeshEnvironment;
import io.k1s0.fault.istio.SpecFingerprint;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Test seam: a local mesh owned by a test class and handed to the extension under test through the
 * {@value MeshRun#ENVIRONMENT_FACTORY_PARAMETER} parameter, so the test can look at the mesh after the engine run
 * (the extension's own mesh would be closed by then). Its environment never closes the mesh, and counts the
 * extension's close calls.
 */
final class SharedMesh {

    static final String NAMESPACE = "k1s0-service";
    private static volatile LocalMesh mesh;
    static final AtomicInteger CLOSES = new AtomicInteger();

    private SharedMesh() {}

    static LocalMesh start() {
        mesh = LocalMesh.builder()
                .workload(WorkloadSpec.of("order-bff", NAMESPACE))
                .workload(WorkloadSpec.of("order-server", NAMESPACE))
                .workload(WorkloadSpec.of("payment-server", NAMESPACE))
                .start();
        return mesh;
    }

    static void stop() {
        if (mesh != null) {
            mesh.close();
            mesh = null;
        }
    }

    /** The outbound proxy of order-bff, the caller the extension's tests leave from. */
    static URI callerProxy() {
        return mesh.proxyFor("order-bff", NAMESPACE);
    }

    static KubernetesClient client() {
        return mesh.client();
    }

    static Optional<VirtualService> virtualService(String name) {
        return Optional.ofNullable(client().resources(VirtualService.class).inNamespace(NAMESPACE).withName(name).get());
    }

    static String specHash(String name) {
        return virtualService(name).map(SpecFingerprint::of).orElse("absent");
    }

    static List<String> routeNames(String name) {
        return virtualService(name).map(vs -> vs.getSpec().getHttp().stream().map(r -> String.valueOf(r.getName())).toList())
                .orElse(List.of());
    }

    /** Starts the shared mesh before the test class and stops it after: {@code @ExtendWith(SharedMesh.PerClass.class)}. */
    static class PerClass implements BeforeAllCallback, AfterAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            start();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            stop();
        }
    }

    /** {@link PerClass}, and after each test deletes the VirtualServices the fixture left in {@value #NAMESPACE}. */
    static final class PerClassWithoutLeftovers extends PerClass implements AfterEachCallback {
        @Override
        public void afterEach(ExtensionContext context) {
            client().resources(VirtualService.class).inNamespace(NAMESPACE).delete();
        }
    }

    /** Supplies the shared mesh to the extension; unknown callers leave from order-bff. */
    public static final class Factory implements Supplier<MeshEnvironment> {
        @Override
        public MeshEnvironment get() {
            LocalEnvironment local = LocalEnvironment.of(mesh);
            return new MeshEnvironment() {
                @Override
                public String name() {
                    return local.name();
                }

                @Override
                public KubernetesClient client() {
                    return local.client();
                }

                @Override
                public Optional<URI> vantageProxy(String workload, String namespace) {
                    boolean known = local.workloads().stream().anyMatch(w -> w.name().equals(workload) && w.namespace().equals(namespace));
                    return local.vantageProxy(known ? workload : "order-bff", known ? namespace : NAMESPACE);
                }

                @Override
                public void awaitConfigured(List<? extends HasMetadata> written, List<? extends HasMetadata> deleted) {
                    local.awaitConfigured(written, deleted);
                }

                @Override
                public Optional<URI> prometheus() {
                    return Optional.empty();
                }

                @Override
                public List<URI> sidecarMetricsEndpoints() {
                    return local.sidecarMetricsEndpoints();
                }

                @Override
                public void close() {
                    CLOSES.incrementAndGet();
                }
            };
        }
    }
}
