package io.k1s0.fault.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/** The line on which every field and list item of a YAML document starts, so later errors can point at it. */
final class YamlLines {

    private final Map<String, Integer> lines;

    private YamlLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** Indexes what parses; a document that does not parse gets an empty index (the parser error has a line). */
    static YamlLines index(String yaml) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
            }
        } catch (IOException e) {
            // Keep what was indexed before the syntax error.
        }
        return new YamlLines(lines);
    }

    /** The line of the path, or of its nearest ancestor that is in the document; 0 when unknown. */
    int lineOf(FieldPath path) {
        for (FieldPath p = path; ; p = p.parent()) {
            Integer line = lines.get(p.pointer());
            if (line != null && line > 0) {
                return line;
            }
            if (p.isRoot()) {
                return 0;
            }
        }
    }
}
