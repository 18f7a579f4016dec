package io.k1s0.fault.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * Resolves the {@code classpath:…} / {@code file:…} locations of {@code @MeshResource} and
 * {@code @MeshFaultTest(workloads)}. A {@code file:} directory stands for its {@code *.yaml}/{@code *.yml}
 * files in name order.
 */
final class Locations {

    static final String CLASSPATH = "classpath:";
    static final String FILE = "file:";

    /** A readable document: where it came from and its text. */
    record Document(String location, String text) {}

    private Locations() {}

    /**
     * @param origin e.g. {@code @MeshResource on OrderTest}
     * @throws ExtensionConfigurationException when the location has no known scheme or names nothing
     */
    static void check(String origin, String attribute, String location) {
        read(origin, attribute, location);
    }

    static List<Document> read(String origin, String attribute, String location) {
        String lower = location == null ? "" : location.toLowerCase(Locale.ROOT);
        if (lower.startsWith(CLASSPATH)) {
            String name = location.substring(CLASSPATH.length()).replaceFirst("^/", "");
            URL url = classLoader().getResource(name);
            if (name.isEmpty() || url == null) {
                throw new ExtensionConfigurationException(origin + ": " + attribute + " is '" + location
                        + "', which is not on the class path; allowed: classpath:<resource> naming an existing resource, "
                        + "or file:<path>");
            }
            try (InputStream in = url.openStream()) {
                return List.of(new Document(location, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + location, e);
            }
        }
        if (lower.startsWith(FILE)) {
            Path path = Path.of(location.substring(FILE.length()));
            if (!Files.exists(path)) {
                throw new ExtensionConfigurationException(origin + ": " + attribute + " is '" + location
                        + "', which does not exist (resolved to " + path.toAbsolutePath().normalize()
                        + "); allowed: file:<path> naming an existing file or directory, or classpath:<resource>");
            }
            return Files.isDirectory(path) ? directory(origin, attribute, location, path) : List.of(file(path));
        }
        throw new ExtensionConfigurationException(origin + ": " + attribute + " is '" + location
                + "', which has no scheme; allowed: classpath:<resource> or file:<path>");
    }

    private static List<Document> directory(String origin, String attribute, String location, Path dir) {
        List<Document> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .sorted()
                    .forEach(p -> docs.add(file(p)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (docs.isEmpty()) {
            throw new ExtensionConfigurationException(origin + ": " + attribute + " is '" + location
                    + "', a directory without *.yaml or *.yml files; allowed: a file, or a directory holding YAML files");
        }
        return docs;
    }

    private static Document file(Path path) {
        try {
            return new Document(FILE + path, Files.readString(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : Locations.class.getClassLoader();
    }
}
