package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inspects the OCI tarball written by {@code mvn -pl cronjob -am -Pimage[,offline-base] package}. */
class JibImageTarTest {

    private static Map<String, byte[]> blobs;
    private static JsonNode index;
    private static JsonNode manifest;
    private static JsonNode config;

    @BeforeAll
    static void readTarball() throws IOException {
        Path tar = ProjectFiles.jibTar();
        assumeTrue(Files.isRegularFile(tar), "no image tarball at " + tar
                + "; build it with: mvn -pl cronjob -am -Pimage package (or -Pimage,offline-base after ./build-local-base.sh)");
        blobs = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.isFile()) {
                    blobs.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        index = Json.JSON.readTree(blobs.get("index.json"));
        manifest = Json.JSON.readTree(blob(index.path("manifests").get(0).path("digest").asText()));
        config = Json.JSON.readTree(blob(manifest.path("config").path("digest").asText()));
    }

    private static byte[] blob(String digest) {
        byte[] bytes = blobs.get("blobs/" + digest.replace(':', '/'));
        if (bytes == null) {
            throw new AssertionError("blob " + digest + " is missing from the tarball");
        }
        return bytes;
    }

    /** Path to modification time of every regular file in one gzip'd layer. */
    private static Map<String, Instant> layerFiles(String digest) throws IOException {
        Map<String, Instant> files = new HashMap<>();
        try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(blob(digest)));
                TarArchiveInputStream in = new TarArchiveInputStream(gz)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                files.put(entry.getName(), entry.getModTime().toInstant());
            }
        }
        return files;
    }

    private static List<String> jibLayerDigests() {
        List<String> digests = new ArrayList<>();
        JsonNode history = config.path("history");
        JsonNode layers = manifest.path("layers");
        int layer = 0;
        for (JsonNode step : history) {
            if (step.path("empty_layer").asBoolean(false)) {
                continue;
            }
            if ("Jib".equals(step.path("author").asText())) {
                digests.add(layers.get(layer).path("digest").asText());
            }
            layer++;
        }
        return digests;
    }

    @Test
    void itIsAnOciImageNamedForHarbor() {
        assertThat(blobs.get("oci-layout")).as("oci-layout file").isNotNull();
        assertThat(index.path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText())
                .as("image reference").startsWith("harbor.internal.example.com/k1s0-infra/fault-runner:");
    }

    @Test
    void theEntrypointStartsTheFaultRunnerAsTheNonRootUser() {
        JsonNode container = config.path("config");
        List<String> entrypoint = new ArrayList<>();
        container.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
        assertThat(entrypoint).as("Entrypoint").startsWith("java").endsWith("-cp", "@/app/jib-classpath-file",
                ProjectFiles.runnerMainClass());
        assertThat(container.path("User").asText()).as("User").isEqualTo("65532:65532");
        assertThat(container.path("Cmd").isMissingNode() || container.path("Cmd").isEmpty())
                .as("no default Cmd: the CronJob's args are the whole command line").isTrue();
    }

    @Test
    void theImageIsReproducible() {
        assertThat(config.path("created").asText()).as("config.created (project.build.outputTimestamp, not now)")
                .isEqualTo("2026-01-01T00:00:00Z");
        assertThat(config.path("history")).as("Jib history entries")
                .filteredOn(h -> "Jib".equals(h.path("author").asText()))
                .allSatisfy(h -> assertThat(h.path("created").asText()).isEqualTo("2026-01-01T00:00:00Z"));
    }

    @Test
    void theAppLayersHoldTheHarnessTheExperimentAndFixedFileTimes() throws IOException {
        List<String> jibLayers = jibLayerDigests();
        assertThat(jibLayers).as("Jib's own layers (dependencies, project dependencies, resources, classes, jvm args)")
                .hasSizeGreaterThanOrEqualTo(3);
        Map<String, Instant> files = new HashMap<>();
        for (String digest : jibLayers) {
            files.putAll(layerFiles(digest));
        }
        assertThat(files.keySet()).as("files in the app layers")
                .anySatisfy(f -> assertThat(f).matches("app/libs/fault-harness-.*\\.jar"))
                .contains("app/resources/experiments/weekly.yaml", "app/jib-classpath-file");
        assertThat(files.values()).as("modification times in the app layers (EPOCH_PLUS_SECOND)")
                .allSatisfy(t -> assertThat(t).isEqualTo(Instant.ofEpochSecond(1)));
    }
}
