package io.k1s0.fault.istio;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads manifest files strictly into typed resources; every problem names file and line. */
final class ManifestLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ManifestLoader.class);

    /**
     * What was read.
     *
     * @param files files found
     * @param manifests resources read without problems
     * @param errors one message per problem, {@code file:line: what}
     */
    record Loaded(List<Path> files, List<LoadedManifest> manifests, List<String> errors) {
    }

    // Shared: Jackson's and the shape walker's introspection caches make repeated runs cheap; both are thread-safe.
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ManifestShape SHAPE = new ManifestShape(MAPPER);


    Loaded load(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        if (paths.isEmpty()) {
            errors.add("no manifest path given");
        }
        for (Path path : paths) {
            expand(path, files, errors);
        }
        List<LoadedManifest> manifests = new ArrayList<>();
        for (Path file : files) {
            readFile(file, manifests, errors);
        }
        LOG.debug("read {} resources from {} files, {} input errors", manifests.size(), files.size(), errors.size());
        return new Loaded(files, manifests, errors);
    }

    private static void expand(Path path, List<Path> files, List<String> errors) {
        if (!Files.exists(path)) {
            errors.add(path + ": no such file or directory");
        } else if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                List<Path> found = walk.filter(Files::isRegularFile).filter(ManifestLoader::isYaml).sorted()
                        .collect(Collectors.toList());
                if (found.isEmpty()) {
                    errors.add(path + ": directory has no *.yaml or *.yml file");
                }
                files.addAll(found);
            } catch (IOException e) {
                errors.add(path + ": cannot list directory: " + e.getMessage());
            }
        } else {
            files.add(path);
        }
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private void readFile(Path file, List<LoadedManifest> manifests, List<String> errors) {
        List<ManifestYaml.Document> documents;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            documents = ManifestYaml.read(reader);
        } catch (ManifestYaml.SyntaxException e) {
            errors.add(file + ":" + e.line + ": YAML syntax error: " + e.getMessage());
            return;
        } catch (IOException e) {
            errors.add(file + ": cannot read: " + e.getMessage());
            return;
        }
        for (ManifestYaml.Document document : documents) {
            readDocument(file, document, manifests, errors);
        }
    }

    /** Adds the resource of one document, or every problem that stops it from being read. */
    private void readDocument(Path file, ManifestYaml.Document document, List<LoadedManifest> manifests,
            List<String> errors) {
        JsonNode tree = document.tree();
        String at = file + ":" + document.lineOf("") + ": ";
        if (!tree.isObject()) {
            errors.add(at + "document is not a mapping; expected a Kubernetes resource with apiVersion and kind");
            return;
        }
        Optional<ManifestKind> kind = kindOf(tree);
        if (kind.isEmpty()) {
            errors.add(at + "unsupported kind '" + tree.path("kind").asText("<missing>") + "' with apiVersion '"
                    + tree.path("apiVersion").asText("<missing>") + "'; supported kinds: "
                    + ManifestKind.supportedList());
            return;
        }
        String identity = kind.get().kind + " " + tree.path("metadata").path("namespace").asText("default") + "/"
                + tree.path("metadata").path("name").asText("<no name>");
        List<ManifestShape.UnknownField> unknownFields = SHAPE.unknownFields(tree, kind.get().modelType);
        for (ManifestShape.UnknownField unknown : unknownFields) {
            String hint = LintSuggestion.closest(unknown.field(), unknown.known())
                    .map(s -> "did you mean " + s + "?")
                    .orElse("allowed here: " + String.join(", ", unknown.known()));
            errors.add(file + ":" + document.lineOf(unknown.path()) + ": " + identity + ": " + unknown.path()
                    + ": unknown field; " + hint);
        }
        if (!unknownFields.isEmpty()) {
            return;
        }
        try {
            HasMetadata resource = MAPPER.treeToValue(tree, kind.get().modelType);
            manifests.add(new LoadedManifest(file, kind.get(), resource, document));
        } catch (JsonMappingException e) {
            String path = path(e);
            errors.add(file + ":" + document.lineOf(path) + ": " + identity + ": " + path + ": "
                    + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            errors.add(at + identity + ": " + e.getMessage());
        }
    }

    private static Optional<ManifestKind> kindOf(JsonNode tree) {
        return ManifestKind.of(tree.path("apiVersion").asText(""), tree.path("kind").asText(""));
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String firstLine(String message) {
        int cut = message == null ? -1 : message.indexOf('\n');
        return message == null ? "cannot read value" : cut < 0 ? message : message.substring(0, cut);
    }
}
