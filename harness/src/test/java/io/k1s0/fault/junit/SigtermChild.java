package io.k1s0.fault.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.environment.MeshEnvironment;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The child JVM of {@link SigtermTest}: runs {@link HoldingCase} through the JUnit launcher against the parent's
 * mesh (kubeconfig + the caller's proxy), so the fault is installed by the real extension and then held until the
 * parent sends SIGTERM.
 */
final class SigtermChild {

    private SigtermChild() {}

    /** Arguments: kubeconfig file, proxy URI, marker file written once the fault is live. */
    public static void main(String[] args) {
        System.setProperty("sigterm.kubeconfig", args[0]);
        System.setProperty("sigterm.proxy", args[1]);
        System.setProperty("sigterm.marker", args[2]);
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(HoldingCase.class))
                .configurationParameter(MeshRun.ENVIRONMENT_FACTORY_PARAMETER, KubeconfigEnvironment.class.getName())
                .build());
    }

    @MeshFaultTest
    static class HoldingCase {
        @Test
        @AbortFault(host = "order-server", namespace = "k1s0-service", percent = 100, httpStatus = 503)
        void holdsTheFault() throws IOException, InterruptedException {
            Files.writeString(Path.of(System.getProperty("sigterm.marker")), "installed");
            // Not waiting for a state: this JVM is meant to be killed while the fault is installed.
            new CountDownLatch(1).await(120, TimeUnit.SECONDS);
        }
    }

    /** The parent's mesh seen from outside: its API through the kubeconfig, every caller through one proxy. */
    public static final class KubeconfigEnvironment implements Supplier<MeshEnvironment> {
        @Override
        public MeshEnvironment get() {
            try {
                KubernetesClient client = new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(Files.readString(Path.of(System.getProperty("sigterm.kubeconfig")))))
                        .build();
                URI proxy = URI.create(System.getProperty("sigterm.proxy"));
                return new MeshEnvironment() {
                    @Override
                    public String name() {
                        return "cluster";
                    }

                    @Override
                    public KubernetesClient client() {
                        return client;
                    }

                    @Override
                    public Optional<URI> vantageProxy(String workload, String namespace) {
                        return Optional.of(proxy);
                    }

                    @Override
                    public Optional<URI> prometheus() {
                        return Optional.empty();
                    }

                    @Override
                    public List<URI> sidecarMetricsEndpoints() {
                        return List.of();
                    }

                    @Override
                    public void close() {
                        client.close();
                    }
                };
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the kubeconfig", e);
            }
        }
    }
}
