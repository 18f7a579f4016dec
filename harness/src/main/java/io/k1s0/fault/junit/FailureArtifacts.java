package io.k1s0.fault.junit;

import io.fabric8.istio.api.networking.v1.VirtualService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k1s0.fault.istio.FaultSpec;
import io.k1s0.fault.metrics.MeshSnapshot;
import io.k1s0.fault.metrics.PromQl;
import io.k1s0.fault.traffic.TrafficResult;
import io.k1s0.fault.verdict.FaultWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what is needed to debug a failed fault test into {@code target/fault-harness/<class>/<method>/}: the
 * resources the class applied, the VirtualServices of the faulted namespaces as they were at the failure (faults
 * still in), the window's metric snapshot with the catalogue queries, the traffic and gate summaries, the error.
 */
final class FailureArtifacts {

    /** Configuration parameter: the directory the dumps go under; default {@code target/fault-harness}. */
    static final String DIRECTORY_PARAMETER = "fault.harness.artifacts.dir";
    static final String DEFAULT_DIRECTORY = "target/fault-harness";

    private static final Logger LOG = LoggerFactory.getLogger(FailureArtifacts.class);

    private FailureArtifacts() {}

    /** @return the directory written, or empty when writing failed (logged; the test's own failure stays the one reported) */
    static Optional<Path> write(Path root, String testClass, String method, Throwable failure, KubernetesClient client,
                                List<HasMetadata> applied, List<FaultSpec> faults, TestRecord record) {
        Path dir = root.resolve(safe(testClass)).resolve(safe(method));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("failure.txt"), stackTrace(failure));
            Files.writeString(dir.resolve("applied-resources.yaml"), yaml(client, applied));
            Files.writeString(dir.resolve("faults.txt"), String.join("\n", faults.stream().map(FaultSpec::toString).toList()) + "\n");
            Files.writeString(dir.resolve("virtualservices.yaml"), virtualServices(client, faults));
            Files.writeString(dir.resolve("traffic.txt"), traffic(record));
            record.window().ifPresent(w -> writeMetrics(dir, w));
            LOG.info("failure artifacts of {}.{} written to {}", testClass, method, dir.toAbsolutePath());
            return Optional.of(dir);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the failure artifacts of {}.{} to {}", testClass, method, dir, e);
            return Optional.empty();
        }
    }

    private static void writeMetrics(Path dir, WindowHandle window) {
        StringBuilder out = new StringBuilder();
        try {
            MeshSnapshot snapshot = window.snapshot();
            out.append("window ").append(snapshot.start()).append(" .. ").append(snapshot.end()).append('\n');
            Optional<String[]> edge = window.edgeIfKnown();
            if (edge.isPresent()) {
                FaultWindow fw = FaultWindow.of(snapshot).edge(edge.get()[0], edge.get()[1]).build();
                out.append("edge ").append(fw.caller()).append(" -> ").append(fw.target()).append("\n\n# catalogue queries\n");
                for (PromQl entry : PromQl.values()) {
                    out.append(entry.name()).append(" = ").append(entry.evaluate(snapshot, fw.scopeFor(entry)))
                            .append("\n    ").append(fw.query(entry)).append('\n');
                }
            } else {
                out.append("edge unknown (no single caller/target), catalogue queries not evaluated\n");
            }
            out.append("\n# series\n");
            for (String name : snapshot.seriesNames()) {
                for (Map.Entry<Map<String, String>, Double> s : snapshot.series(name).entrySet()) {
                    out.append(name).append(new java.util.TreeMap<>(s.getKey())).append(' ').append(s.getValue()).append('\n');
                }
            }
        } catch (RuntimeException e) {
            out.append("metrics could not be read: ").append(e).append('\n');
        }
        try {
            Files.writeString(dir.resolve("metrics.txt"), out);
        } catch (IOException e) {
            LOG.warn("could not write {}", dir.resolve("metrics.txt"), e);
        }
    }

    private static String traffic(TestRecord record) {
        StringBuilder out = new StringBuilder("# readiness gate\n");
        record.gate().forEach(line -> out.append(line).append('\n'));
        out.append("\n# traffic judged\n");
        for (TrafficResult t : record.traffic()) {
            out.append(t.summary()).append('\n');
        }
        if (record.traffic().isEmpty()) {
            out.append("(none passed to window.result(traffic))\n");
        }
        return out.toString();
    }

    private static String virtualServices(KubernetesClient client, List<FaultSpec> faults) {
        Set<String> namespaces = new TreeSet<>(faults.stream().map(FaultSpec::namespace).toList());
        List<HasMetadata> all = new ArrayList<>();
        for (String ns : namespaces) {
            try {
                all.addAll(client.resources(VirtualService.class).inNamespace(ns).list().getItems());
            } catch (KubernetesClientException e) {
                LOG.warn("could not list VirtualServices in {}", ns, e);
            }
        }
        return yaml(client, all);
    }

    private static String yaml(KubernetesClient client, List<HasMetadata> resources) {
        StringBuilder out = new StringBuilder();
        for (HasMetadata r : resources) {
            out.append(client.getKubernetesSerialization().asYaml(r));
        }
        return out.toString();
    }

    private static String stackTrace(Throwable failure) {
        return org.apache.commons.lang3.exception.ExceptionUtils.getStackTrace(failure);
    }

    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
