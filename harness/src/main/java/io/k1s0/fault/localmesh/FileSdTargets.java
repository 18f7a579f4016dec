package io.k1s0.fault.localmesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes Prometheus' {@code file_sd_configs} target file: one group per sidecar, with the labels the
 * {@code kubernetes-pods} job of Istio's sample Prometheus would attach ({@code namespace}, {@code pod},
 * plus {@code workload}) and the metrics path. Written to a temporary file and moved, so Prometheus never
 * reads half a file.
 */
final class FileSdTargets {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FileSdTargets() {}

    static void write(Path file, List<MetricsEndpoint> endpoints) {
        List<Map<String, Object>> groups = endpoints.stream().map(FileSdTargets::group).toList();
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".file-sd", ".json");
            JSON.writeValue(tmp.toFile(), groups);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write Prometheus file_sd targets to " + file, e);
        }
    }

    private static Map<String, Object> group(MetricsEndpoint e) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("namespace", e.namespace());
        labels.put("pod", e.pod());
        labels.put("workload", e.workload());
        labels.put("__metrics_path__", e.url().getPath());
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("targets", List.of(e.url().getHost() + ":" + e.url().getPort()));
        group.put("labels", labels);
        return group;
    }
}
