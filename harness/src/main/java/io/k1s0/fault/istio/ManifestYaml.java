package io.k1s0.fault.istio;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads multi-document YAML into JSON trees and remembers the line of every JSON path, so later
 * errors can name the line. Jackson's tree model drops locations; this reader keeps them.
 */
final class ManifestYaml {

    /**
     * One YAML document.
     *
     * @param tree the document
     * @param lines 1-based line per JSON path ({@code ""} is the document, {@code spec.http[0]} a route)
     */
    record Document(JsonNode tree, Map<String, Integer> lines) {
        int lineOf(String path) {
            String p = path;
            while (true) {
                Integer line = lines.get(p);
                if (line != null) {
                    return line;
                }
                if (p.isEmpty()) {
                    return 1;
                }
                p = parent(p);
            }
        }

        private static String parent(String path) {
            int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            return cut < 0 ? "" : path.substring(0, cut);
        }
    }

    /** A YAML error with the 1-based line where it was found. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        SyntaxException(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final ObjectMapper SCALARS = new ObjectMapper();

    private ManifestYaml() {
    }

    static List<Document> read(Reader reader) throws SyntaxException {
        List<Document> documents = new ArrayList<>();
        try (JsonParser parser = YAML.createParser(reader)) {
            while (parser.nextToken() != null) {
                Map<String, Integer> lines = new HashMap<>();
                JsonNode tree = node(parser, "", lines);
                if (!tree.isNull()) {
                    documents.add(new Document(tree, lines));
                }
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new SyntaxException(line, firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new SyntaxException(0, e.getMessage());
        }
        return documents;
    }

    private static JsonNode node(JsonParser parser, String path, Map<String, Integer> lines) throws IOException,
            SyntaxException {
        int line = parser.currentTokenLocation().getLineNr();
        lines.putIfAbsent(path, line);
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                String child = path.isEmpty() ? name : path + "." + name;
                int keyLine = parser.currentTokenLocation().getLineNr();
                if (object.has(name)) {
                    throw new SyntaxException(keyLine, "duplicate key '" + name + "' at " + child);
                }
                lines.put(child, keyLine);
                parser.nextToken();
                object.set(name, node(parser, child, lines));
            }
            return object;
        }
        if (token == JsonToken.START_ARRAY) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                array.add(node(parser, path + "[" + index++ + "]", lines));
            }
            return array;
        }
        return SCALARS.readTree(parser);
    }

    /** SnakeYAML's message without its source excerpts: "while parsing X; expected Y, but found Z". */
    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable YAML";
        }
        String summary = message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .filter(line -> !line.startsWith("in '") && !line.startsWith(" at [Source"))
                .map(String::trim)
                .collect(java.util.stream.Collectors.joining("; "));
        return summary.isEmpty() ? message.lines().findFirst().orElse("unreadable YAML").trim() : summary;
    }
}
