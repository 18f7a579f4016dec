package io.k1s0.fault.runner;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Applies manifests through the API and, with {@code --watch}, re-applies a file when it changes on disk:
 * its resources are created or replaced, resources it no longer contains are deleted, and a deleted file's
 * resources are deleted. Prints one line per action.
 */
final class ManifestWatcher implements AutoCloseable {
    // Editors write a file in several steps; changes are collected until the tree is quiet this long.
    private static final long QUIET_MILLIS = 300;

    private final KubernetesClient client;
    private final PrintWriter out;
    private final List<Path> roots;
    private final Map<Path, List<Manifests.Entry>> appliedByFile = new HashMap<>();
    private WatchService watchService;
    private Thread thread;

    ManifestWatcher(KubernetesClient client, PrintWriter out, List<Path> roots) {
        this.client = client;
        this.out = out;
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** Applies every manifest under the roots once (one definition per resource, subsets before routes). */
    synchronized void applyAll() throws IOException {
        List<Manifests.Entry> all = new java.util.ArrayList<>();
        for (Path file : Manifests.files(roots)) {
            all.addAll(Manifests.read(client, file));
        }
        List<Manifests.Entry> resolved = Manifests.resolve(all, (dropped, winner) -> out.printf("skipped %s from %s: also defined in %s, which is applied%n",
                dropped.key(), relative(dropped.file()), relative(winner.file())));
        for (Manifests.Entry e : resolved) {
            if (apply(e)) {
                appliedByFile.computeIfAbsent(e.file(), f -> new java.util.ArrayList<>()).add(e);
            }
        }
        out.flush();
    }

    /** Starts watching the roots on a daemon thread. */
    synchronized void watch() throws IOException {
        watchService = FileSystems.getDefault().newWatchService();
        for (Path root : roots) {
            registerTree(Files.isDirectory(root) ? root : root.getParent());
        }
        thread = new Thread(this::loop, "local-mesh-manifest-watch");
        thread.setDaemon(true);
        thread.start();
        out.printf("watching %s for changes%n", roots.stream().map(Path::toString).toList());
        out.flush();
    }

    private void registerTree(Path dir) throws IOException {
        try (Stream<Path> dirs = Files.walk(dir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                d.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void loop() {
        try {
            while (true) {
                Set<Path> changed = new LinkedHashSet<>();
                collect(watchService.take(), changed);
                WatchKey more;
                while ((more = watchService.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    collect(more, changed);
                }
                for (Path file : changed) {
                    try {
                        reapply(file);
                    } catch (RuntimeException e) {
                        // one bad change must not end the watch
                        out.printf("not applied: %s: %s%n", file, e);
                        out.flush();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException stopped) {
            // close() ends the loop
        }
    }

    private void collect(WatchKey key, Set<Path> changed) {
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                continue;
            }
            Path path = dir.resolve((Path) event.context());
            if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(path)) {
                try {
                    registerTree(path);
                } catch (IOException e) {
                    out.printf("cannot watch new directory %s: %s%n", path, e.getMessage());
                }
            } else if (Manifests.isYaml(path) && isWatched(path)) {
                changed.add(path);
            }
        }
        key.reset();
    }

    private boolean isWatched(Path file) {
        return roots.stream().anyMatch(r -> Files.isDirectory(r) ? file.startsWith(r) : file.equals(r));
    }

    /** Brings the API in line with one file's current content. */
    synchronized void reapply(Path file) {
        List<Manifests.Entry> before = appliedByFile.getOrDefault(file, List.of());
        List<Manifests.Entry> now;
        if (Files.exists(file)) {
            try {
                now = Manifests.resolve(Manifests.read(client, file), (dropped, winner) ->
                        out.printf("skipped %s: defined twice in %s, the later one is applied%n", dropped.key(), relative(file)));
            } catch (IllegalArgumentException e) {
                out.printf("not applied: %s; the previous version stays in force%n", e.getMessage());
                out.flush();
                return;
            }
        } else {
            now = List.of();
            out.printf("%s was deleted%n", relative(file));
        }
        List<Manifests.Entry> applied = new java.util.ArrayList<>();
        for (Manifests.Entry e : now) {
            if (apply(e)) {
                applied.add(e);
            }
        }
        Set<String> kept = new java.util.HashSet<>(now.stream().map(Manifests.Entry::key).toList());
        for (Manifests.Entry gone : before) {
            if (!kept.contains(gone.key())) {
                delete(gone);
            }
        }
        if (applied.isEmpty()) {
            appliedByFile.remove(file);
        } else {
            appliedByFile.put(file, applied);
        }
        out.flush();
    }

    private boolean apply(Manifests.Entry e) {
        String from = relative(e.file());
        switch (e.handling()) {
            case SKIPPED -> {
                out.printf("skipped %s from %s: the local mesh does not serve kind %s%n", e.key(), from, e.resource().getKind());
                return false;
            }
            case STORED_ONLY -> out.printf("stored  %s from %s (in the API only: the local mesh does not emulate %s)%n", e.key(), from, e.resource().getKind());
            case EMULATED -> out.printf("applied %s from %s%n", e.key(), from);
            default -> throw new IllegalStateException("unhandled " + e.handling());
        }
        try {
            client.resource(e.resource()).createOr(NonDeletingOperation::update);
            return true;
        } catch (KubernetesClientException ex) {
            out.printf("  rejected by the API: %s%n", ex.getMessage());
            return false;
        }
    }

    private void delete(Manifests.Entry e) {
        try {
            client.resource(e.resource()).delete();
            out.printf("deleted %s (no longer in %s)%n", e.key(), relative(e.file()));
        } catch (KubernetesClientException ex) {
            out.printf("could not delete %s: %s%n", e.key(), ex.getMessage());
        }
    }

    /** The file relative to the --manifests directory it is under (its name for a file given directly). */
    private String relative(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return roots.stream().filter(r -> Files.isDirectory(r) && abs.startsWith(r)).findFirst()
                .map(r -> r.relativize(abs).toString()).orElse(abs.getFileName().toString());
    }

    @Override
    public void close() {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                throw new UncheckedIOException("could not close the manifest watch", e);
            }
        }
    }
}
