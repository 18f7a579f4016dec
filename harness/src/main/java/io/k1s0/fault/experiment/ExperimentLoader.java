package io.k1s0.fault.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an experiment file strictly: unknown fields, wrong types and bad values are errors, each reported as
 * {@code file:line: json.path: message} naming the given value and the allowed values. Nothing here touches a
 * cluster; see {@link TargetResolver} for the host check.
 */
public final class ExperimentLoader {

    private final ObjectMapper mapper;

    public ExperimentLoader() {
        SimpleModule values = new SimpleModule("experiment-values");
        values.addDeserializer(Duration.class, new DurationDeserializer());
        mapper = YAMLMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .addModule(values)
                .build();
    }

    /** @throws ExperimentException listing every problem, one per line */
    public Experiment load(Path file) {
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExperimentException(List.of(file + ": cannot read the experiment file (" + e.getMessage() + ")"));
        }
        return parse(yaml, file.getFileName().toString());
    }

    /** @param source the name errors start with, usually the file name */
    public Experiment parse(String yaml, String source) {
        YamlLines lines = YamlLines.index(yaml);
        Experiment experiment;
        try {
            JsonNode tree = mapper.readTree(yaml);
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                throw failure(source, lines, List.of(new Problem(FieldPath.ROOT,
                        "is empty; allowed: an Experiment with apiVersion " + Experiment.API_VERSION)));
            }
            if (!tree.isObject()) {
                throw failure(source, lines, List.of(new Problem(FieldPath.ROOT,
                        "wrong type: got " + tree.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + "; allowed: a mapping")));
            }
            checkHeader(tree, source, lines);
            experiment = mapper.treeToValue(tree, Experiment.class);
        } catch (JsonProcessingException e) {
            throw failure(source, lines, List.of(problem(e)), e);
        } catch (IllegalArgumentException e) {
            throw failure(source, lines, List.of(problemFrom(e)), e);
        }
        List<Problem> problems = ExperimentValidator.validate(experiment);
        if (!problems.isEmpty()) {
            throw failure(source, lines, problems);
        }
        return experiment;
    }

    private static void checkHeader(JsonNode tree, String source, YamlLines lines) {
        String apiVersion = tree.path("apiVersion").asText(null);
        if (!Experiment.API_VERSION.equals(apiVersion)) {
            throw failure(source, lines, List.of(new Problem(FieldPath.of("apiVersion"),
                    quote(apiVersion) + " is not supported; allowed: " + Experiment.API_VERSION)));
        }
        String kind = tree.path("kind").asText(null);
        if (!Experiment.KIND.equals(kind)) {
            throw failure(source, lines, List.of(new Problem(FieldPath.of("kind"),
                    quote(kind) + " is not supported; allowed: " + Experiment.KIND)));
        }
    }

    private static Problem problem(JsonProcessingException e) {
        FieldPath path = e instanceof JsonMappingException m ? path(m)
                : e.getProcessor() instanceof JsonParser p ? path(p.getParsingContext()) : FieldPath.ROOT;
        InvalidValueException invalid = invalidValue(e);
        if (invalid != null) {
            return new Problem(path, invalid.getMessage());
        }
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            return new Problem(path, "unknown field \"" + u.getPropertyName() + "\"; "
                    + Values.didYouMean(u.getPropertyName(), known) + "allowed: " + String.join(", ", known));
        }
        if (e instanceof InvalidFormatException f) {
            return new Problem(path, "wrong type: got " + Values.describe(f.getValue()) + "; allowed: "
                    + expected(f.getTargetType()));
        }
        if (e instanceof MismatchedInputException m) {
            return new Problem(path, "wrong type: got " + given(m) + "; allowed: " + expected(m.getTargetType()));
        }
        String message = Objects.requireNonNullElse(e.getOriginalMessage(), e.getMessage()).lines().findFirst().orElse("");
        if (message.startsWith("Duplicate field")) {
            int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
            return new Problem(path, message.replace("Duplicate field", "duplicated field") + "; allowed: each field once",
                    line);
        }
        int line = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getLineNr());
        return new Problem(path, "not valid YAML (" + message + ")", line);
    }

    private static Problem problemFrom(IllegalArgumentException e) {
        // treeToValue reports mapping problems as IllegalArgumentException wrapping the JsonMappingException.
        if (e.getCause() instanceof JsonProcessingException j) {
            return problem(j);
        }
        InvalidValueException invalid = invalidValue(e);
        return new Problem(FieldPath.ROOT, invalid != null ? invalid.getMessage() : e.getMessage());
    }

    private static InvalidValueException invalidValue(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidValueException i) {
                return i;
            }
        }
        return null;
    }

    private static FieldPath path(JsonMappingException e) {
        FieldPath p = FieldPath.ROOT;
        for (JsonMappingException.Reference r : e.getPath()) {
            p = r.getFieldName() != null ? p.field(r.getFieldName()) : r.getIndex() >= 0 ? p.index(r.getIndex()) : p;
        }
        return p;
    }

    private static FieldPath path(com.fasterxml.jackson.core.JsonStreamContext context) {
        java.util.Deque<com.fasterxml.jackson.core.JsonStreamContext> chain = new java.util.ArrayDeque<>();
        for (var c = context; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        FieldPath p = FieldPath.ROOT;
        for (var c : chain) {
            if (c.inObject() && c.getCurrentName() != null) {
                p = p.field(c.getCurrentName());
            } else if (c.inArray() && c.getCurrentIndex() >= 0) {
                p = p.index(c.getCurrentIndex());
            }
        }
        return p;
    }

    private static String given(MismatchedInputException e) {
        if (e.getProcessor() instanceof JsonParser p && p.currentToken() != null) {
            JsonToken t = p.currentToken();
            try {
                return switch (t) {
                    case START_OBJECT, FIELD_NAME, END_OBJECT -> "a mapping";
                    case START_ARRAY, END_ARRAY -> "a list";
                    case VALUE_STRING -> "\"" + p.getText() + "\"";
                    case VALUE_NULL -> "null";
                    default -> p.getText();
                };
            } catch (IOException io) {
                return t.name();
            }
        }
        return "another type";
    }

    static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a mapping of names to values";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Duration.class) {
            return Values.DURATION_FORMS;
        }
        if (type == URI.class) {
            return "a URL such as https://host/path";
        }
        if (type == Percent.class) {
            return "a percentage such as 5% or 5";
        }
        if (type.isEnum() && YamlEnum.Named.class.isAssignableFrom(type)) {
            return String.join(", ", Arrays.stream(type.getEnumConstants()).map(c -> ((YamlEnum.Named) c).yamlName()).toList());
        }
        if (type.isRecord()) {
            return "a mapping with fields " + String.join(", ",
                    Arrays.stream(type.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName).toList());
        }
        return type.getSimpleName();
    }

    private static ExperimentException failure(String source, YamlLines lines, List<Problem> problems) {
        return failure(source, lines, problems, null);
    }

    private static ExperimentException failure(String source, YamlLines lines, List<Problem> problems, Exception cause) {
        ExperimentException e = new ExperimentException(problems.stream()
                .map(p -> source + ":" + line(lines, p) + ": " + p.path() + ": " + p.message())
                .toList());
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private static int line(YamlLines lines, Problem p) {
        return p.line() > 0 ? p.line() : lines.lineOf(p.path());
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** Durations as people write them: 500ms, 30s, 5m, 1h. */
    private static final class DurationDeserializer extends JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                throw new InvalidValueException("wrong type: got " + (p.currentToken().isScalarValue()
                        ? p.getText() + " (no unit)" : "a " + (p.currentToken() == JsonToken.START_ARRAY ? "list" : "mapping"))
                        + "; allowed: " + Values.DURATION_FORMS);
            }
            return Values.duration(p.getText());
        }
    }
}
