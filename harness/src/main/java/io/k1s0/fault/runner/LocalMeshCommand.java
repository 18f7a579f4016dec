package io.k1s0.fault.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.k1s0.fault.localmesh.LocalMesh;
import io.k1s0.fault.localmesh.MetricsEndpoint;
import io.k1s0.fault.localmesh.WorkloadSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fault-runner local-mesh}: runs the embedded mesh in the foreground for manual use with
 * {@code curl -x}, kubectl and (optionally) a real Prometheus; stops cleanly on Ctrl-C / SIGTERM.
 */
@Command(name = "local-mesh", mixinStandardHelpOptions = true,
        description = {"Runs the embedded Istio-like mesh in the foreground until Ctrl-C / SIGTERM.",
            "Writes a kubeconfig for its Kubernetes API, prints each workload's proxy (use with curl -x) and metrics URLs,",
            "and applies every *.yaml / *.yml in --manifests through that API."})
public final class LocalMeshCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--manifests", required = true, arity = "1..*", paramLabel = "PATH",
            description = {"Files or directories (walked recursively) of Kubernetes/Istio YAML applied at start; repeatable.",
                "One definition per resource (the last in path order), DestinationRules before VirtualServices;",
                "kinds the local mesh does not emulate (Gateway, PeerAuthentication, ServiceEntry, Canary) are stored only, others skipped."})
    List<Path> manifests;

    @Option(names = "--watch", description = "Re-apply a manifest file when it changes on disk (deleted file: delete its resources).")
    boolean watch;

    @Option(names = "--workloads", required = true, paramLabel = "FILE", description = "YAML file listing the workloads (see WorkloadsFile).")
    Path workloadsFile;

    @Option(names = "--endpoints-file", paramLabel = "FILE", defaultValue = "local-mesh-endpoints.json",
            description = "Where to write proxies and metrics URLs as JSON (default: ${DEFAULT-VALUE}).")
    Path endpointsFile;

    @Option(names = "--kubeconfig", paramLabel = "FILE", defaultValue = "local-mesh.kubeconfig",
            description = "Where to write the kubeconfig of the embedded API (default: ${DEFAULT-VALUE}).")
    Path kubeconfig;

    @Option(names = "--prometheus", description = "Also start a prometheus binary (PATH or PROMETHEUS_BIN) scraping every sidecar.")
    boolean prometheus;

    private final UnaryOperator<LocalMesh.Builder> customizer;
    private final Map<String, String> environment;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean cleanedUp = new AtomicBoolean();

    public LocalMeshCommand() {
        this(UnaryOperator.identity(), System.getenv());
    }

    LocalMeshCommand(UnaryOperator<LocalMesh.Builder> customizer, Map<String, String> environment) {
        this.customizer = customizer;
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<WorkloadSpec> workloads = readWorkloads();
        checkManifests();
        Optional<Path> prometheusBinary = prometheus ? Optional.of(PrometheusProcess.locate(environment)
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "--prometheus needs a prometheus binary: none on PATH and PROMETHEUS_BIN is "
                        + Optional.ofNullable(environment.get("PROMETHEUS_BIN")).map(v -> "'" + v + "' (not an executable file)").orElse("unset")
                        + "; install one (e.g. apt-get install prometheus) or set PROMETHEUS_BIN"))) : Optional.empty();

        Path fileSd = endpointsFile.toAbsolutePath().resolveSibling("local-mesh-file-sd.json");
        LocalMesh mesh = customizer.apply(LocalMesh.builder().workloads(workloads).fileSdPath(fileSd)).start();
        PrometheusProcess prom = null;
        ManifestWatcher manifestWatcher = new ManifestWatcher(mesh.client(), out, manifests);
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            awaitStopped();
        }, "local-mesh-shutdown");
        try {
            mesh.writeKubeconfig(kubeconfig);
            ConfigRejections.print(mesh.client(), out);
            applyManifests(manifestWatcher);
            if (prometheusBinary.isPresent()) {
                prom = PrometheusProcess.start(prometheusBinary.get(), fileSd, endpointsFile.toAbsolutePath().resolveSibling("local-mesh-prometheus"));
            }
            writeEndpoints(mesh, fileSd, prom);
            printSummary(out, mesh, fileSd, prom);
            ClassDataArchiveMark.meshUp();
            if (watch) {
                manifestWatcher.watch();
            }
            Runtime.getRuntime().addShutdownHook(hook);
            stopRequested.await();
            return 0;
        } finally {
            // Released last: on SIGTERM the JVM halts as soon as the hook returns, so everything here runs first.
            try {
                manifestWatcher.close();
                cleanUp(mesh, prom);
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNotRegistered) {
                    // the JVM is already shutting down, or the hook was never added: nothing to remove
                }
                out.println("local mesh stopped");
                out.flush();
            } finally {
                stopped.countDown();
            }
        }
    }

    /** Asks a running command to stop, as SIGTERM would, and waits until it has. */
    void stop() {
        stopRequested.countDown();
        awaitStopped();
    }

    private void awaitStopped() {
        try {
            stopped.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cleanUp(LocalMesh mesh, PrometheusProcess prom) {
        if (cleanedUp.compareAndSet(false, true)) {
            try {
                if (prom != null) {
                    prom.close();
                }
            } finally {
                mesh.close();
            }
        }
    }

    private List<WorkloadSpec> readWorkloads() {
        try {
            return WorkloadsFile.read(workloadsFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--workloads " + workloadsFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--workloads " + workloadsFile + ": cannot read: " + e.getMessage(), e);
        }
    }

    private void checkManifests() {
        for (Path p : manifests) {
            if (!Files.isDirectory(p) && !Files.isRegularFile(p)) {
                throw new ParameterException(spec.commandLine(), "--manifests " + p + ": no such file or directory");
            }
        }
    }

    private void applyManifests(ManifestWatcher watcher) {
        try {
            watcher.applyAll();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--manifests: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--manifests: cannot read: " + e.getMessage(), e);
        }
    }

    private void writeEndpoints(LocalMesh mesh, Path fileSd, PrometheusProcess prom) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("api", mesh.apiUrl().toString());
        doc.put("kubeconfig", kubeconfig.toAbsolutePath().toString());
        doc.put("fileSd", fileSd.toString());
        doc.put("prometheus", prom == null ? null : prom.url().toString());
        List<Map<String, Object>> list = new ArrayList<>();
        for (WorkloadSpec w : mesh.workloads()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", w.name());
            entry.put("namespace", w.namespace());
            entry.put("service", w.serviceName() + "." + w.namespace() + ":" + w.servicePort());
            entry.put("proxy", mesh.proxyFor(w.name(), w.namespace()).toString());
            entry.put("proxies", mesh.proxiesFor(w.name(), w.namespace()).stream().map(URI::toString).toList());
            entry.put("metrics", mesh.metricsEndpoints().stream()
                    .filter(m -> m.workload().equals(w.name()) && m.namespace().equals(w.namespace()))
                    .map(m -> Map.of("pod", m.pod(), "url", m.url().toString())).toList());
            list.add(entry);
        }
        doc.put("workloads", list);
        try {
            Path tmp = Files.createTempFile(endpointsFile.toAbsolutePath().getParent(), ".endpoints", ".json");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), doc);
            Files.move(tmp, endpointsFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write --endpoints-file " + endpointsFile, e);
        }
    }

    private void printSummary(PrintWriter out, LocalMesh mesh, Path fileSd, PrometheusProcess prom) {
        out.printf("Kubernetes API  %s  (KUBECONFIG=%s)%n", mesh.apiUrl(), kubeconfig.toAbsolutePath());
        for (WorkloadSpec w : mesh.workloads()) {
            out.printf("workload %s/%s  proxy %s  (curl -x %s http://%s.%s:%d/)%n", w.namespace(), w.name(),
                    mesh.proxyFor(w.name(), w.namespace()), mesh.proxyFor(w.name(), w.namespace()), w.serviceName(), w.namespace(), w.servicePort());
        }
        for (MetricsEndpoint m : mesh.metricsEndpoints()) {
            out.printf("metrics  %s/%s  %s%n", m.namespace(), m.pod(), m.url());
        }
        out.printf("file_sd  %s%n", fileSd);
        if (prom != null) {
            out.printf("Prometheus  %s%n", prom.url());
        }
        out.printf("endpoints written to %s; Ctrl-C stops%n", endpointsFile.toAbsolutePath());
        out.flush();
    }
}
