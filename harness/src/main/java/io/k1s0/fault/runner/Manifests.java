package io.k1s0.fault.runner;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The manifests of {@code local-mesh --manifests}: YAML files found in the given files and directories
 * (recursively), read into resources, with what the local mesh makes of each kind.
 */
final class Manifests {

    /** What the local mesh does with a kind. */
    enum Handling {
        /** Stored in the API and acted on by the control plane or the workloads. */
        EMULATED,
        /** Stored in the API (its CRD is served) but not acted on: no traffic effect. */
        STORED_ONLY,
        /** Not applied: the local mesh's API does not serve the kind. */
        SKIPPED
    }

    /** Apply order: things that are referred to before the things that refer to them (subsets before routes). */
    private static final List<String> ORDER = List.of("Namespace", "Service", "Pod", "DestinationRule", "ServiceEntry",
            "VirtualService", "Gateway", "PeerAuthentication", "Canary");
    private static final Map<String, Handling> HANDLING = Map.of(
            "Namespace", Handling.EMULATED, "Service", Handling.EMULATED, "Pod", Handling.EMULATED,
            "DestinationRule", Handling.EMULATED, "VirtualService", Handling.EMULATED,
            "ServiceEntry", Handling.STORED_ONLY, "Gateway", Handling.STORED_ONLY,
            "PeerAuthentication", Handling.STORED_ONLY, "Canary", Handling.STORED_ONLY);

    /** One resource with the file it came from. */
    record Entry(HasMetadata resource, Path file) {
        String key() {
            return resource.getKind() + " " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
        }

        Handling handling() {
            return HANDLING.getOrDefault(resource.getKind(), Handling.SKIPPED);
        }
    }

    private Manifests() {}

    /** Every {@code *.yaml} / {@code *.yml} under the given paths (files as given, directories walked), sorted by path. */
    static List<Path> files(List<Path> roots) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isRegularFile(root)) {
                files.add(root);
            } else if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile).filter(Manifests::isYaml).sorted().forEach(files::add);
                }
            } else {
                throw new IllegalArgumentException(root + ": neither a file nor a directory");
            }
        }
        return files;
    }

    static boolean isYaml(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** The resources of one file; a resource without namespace gets {@code default}. */
    static List<Entry> read(KubernetesClient client, Path file) {
        List<HasMetadata> items;
        try (InputStream in = Files.newInputStream(file)) {
            items = client.load(in).items();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // snakeyaml's parse errors are plain runtime exceptions; fabric8 adds KubernetesClientException
            throw new IllegalArgumentException(file + " is not valid Kubernetes YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (HasMetadata item : items) {
            if (item == null) {
                continue;
            }
            if (item.getMetadata().getNamespace() == null) {
                item.getMetadata().setNamespace("default");
            }
            entries.add(new Entry(item, file));
        }
        return entries;
    }

    /**
     * Keeps one definition per resource — the last in path order, as applying the files one after another would
     * leave — and sorts by kind so DestinationRules (and their subsets) exist before the VirtualServices using them.
     * {@code superseded} receives each dropped entry with the one that replaces it.
     */
    static List<Entry> resolve(List<Entry> entries, java.util.function.BiConsumer<Entry, Entry> superseded) {
        Map<String, Entry> byKey = new LinkedHashMap<>();
        for (Entry e : entries) {
            Entry previous = byKey.put(e.key(), e);
            if (previous != null) {
                superseded.accept(previous, e);
            }
        }
        return byKey.values().stream().sorted(Comparator.comparingInt(Manifests::rank)).toList();
    }

    private static int rank(Entry e) {
        int i = ORDER.indexOf(e.resource().getKind());
        return i < 0 ? ORDER.size() : i;
    }
}
