package io.k1s0.fault.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser for Prometheus's text exposition format 0.0.4 (what Envoy's {@code /stats/prometheus} and Istio's
 * merged endpoint serve). The Prometheus Java client on our classpath only writes this format, so reading it is
 * done here. Strict means: a malformed line is an error naming the line number and what was expected, never a
 * silently skipped series.
 */
final class TextFormatParser {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TIMESTAMP = Pattern.compile("-?\\d+");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample line. */
    static final class Sample {
        final String name;
        final Map<String, String> labels;
        final double value;
        final Long timestampMillis;

        Sample(String name, Map<String, String> labels, double value, Long timestampMillis) {
            this.name = name;
            this.labels = labels;
            this.value = value;
            this.timestampMillis = timestampMillis;
        }

        @Override
        public String toString() {
            return name + labels + " " + value;
        }
    }

    /** A parsed exposition: samples in order, and the declared TYPE and HELP per family. */
    static final class Exposition {
        final List<Sample> samples;
        final Map<String, String> types;
        final Map<String, String> help;

        Exposition(List<Sample> samples, Map<String, String> types, Map<String, String> help) {
            this.samples = Collections.unmodifiableList(samples);
            this.types = Collections.unmodifiableMap(types);
            this.help = Collections.unmodifiableMap(help);
        }
    }

    private TextFormatParser() {}

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        Set<String> familiesWithSamples = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Map<String, Boolean> histogramHasInf = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                parseComment(line, lineNo, types, help, familiesWithSamples);
                continue;
            }
            Sample s = new LineReader(line, lineNo).sample();
            String family = family(s.name, types);
            familiesWithSamples.add(family);
            if (!seen.add(s.name + s.labels)) {
                throw error(lineNo, line, "duplicate series " + s.name + s.labels, "each series once per exposition");
            }
            if ("histogram".equals(types.get(family)) && s.name.equals(family + "_bucket")) {
                String le = s.labels.get("le");
                if (le == null) {
                    throw error(lineNo, line, "histogram bucket without an le label", "le=\"<upper bound>\" or le=\"+Inf\"");
                }
                double bound;
                try {
                    bound = PromNumbers.parse(le);
                } catch (NumberFormatException e) {
                    throw error(lineNo, line, "le=\"" + le + "\" is not a number", "a decimal or +Inf");
                }
                Map<String, String> withoutLe = new TreeMap<>(s.labels);
                withoutLe.remove("le");
                histogramHasInf.merge(family + withoutLe, bound == Double.POSITIVE_INFINITY, Boolean::logicalOr);
            }
            samples.add(s);
        }
        histogramHasInf.forEach((series, hasInf) -> {
            if (!hasInf) {
                throw new IllegalArgumentException("histogram " + series
                        + " has no le=\"+Inf\" bucket; the text format requires one per histogram series");
            }
        });
        return new Exposition(samples, types, help);
    }

    private static void parseComment(String line, int lineNo, Map<String, String> types, Map<String, String> help,
            Set<String> familiesWithSamples) {
        String[] parts = line.split("[ \t]+", 4);
        if (parts.length < 3 || !parts[0].equals("#") || !(parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
            return; // an ordinary comment
        }
        String name = parts[2];
        if (!METRIC_NAME.matcher(name).matches()) {
            throw error(lineNo, line, "'" + name + "' is not a metric name", "[a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        String rest = parts.length > 3 ? parts[3] : "";
        if (parts[1].equals("HELP")) {
            if (help.containsKey(name)) {
                throw error(lineNo, line, "second HELP for " + name, "one HELP line per metric family");
            }
            help.put(name, unescapeHelp(rest, lineNo, line));
            return;
        }
        String type = rest.trim();
        if (!TYPES.contains(type)) {
            throw error(lineNo, line, "TYPE '" + type + "'", "counter, gauge, histogram, summary, untyped");
        }
        if (types.containsKey(name)) {
            throw error(lineNo, line, "second TYPE for " + name, "one TYPE line per metric family");
        }
        if (familiesWithSamples.contains(name)) {
            throw error(lineNo, line, "TYPE for " + name + " after its samples", "TYPE before the family's first sample");
        }
        types.put(name, type);
    }

    /** The family a sample belongs to: strips _bucket/_sum/_count when the base is a declared histogram/summary. */
    private static String family(String name, Map<String, String> types) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String t = types.get(base);
                if ("histogram".equals(t) || ("summary".equals(t) && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        return name;
    }

    private static String unescapeHelp(String s, int lineNo, String line) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw error(lineNo, line, "HELP ends in a lone backslash", "escapes \\\\ and \\n");
            }
            char n = s.charAt(++i);
            if (n == '\\') {
                sb.append('\\');
            } else if (n == 'n') {
                sb.append('\n');
            } else {
                throw error(lineNo, line, "HELP escape \\" + n, "escapes \\\\ and \\n");
            }
        }
        return sb.toString();
    }

    static IllegalArgumentException error(int lineNo, String line, String found, String allowed) {
        return new IllegalArgumentException(
                "exposition line " + lineNo + ": " + found + "; allowed: " + allowed + " — line was: " + line);
    }

    /** Reads one sample line left to right. */
    private static final class LineReader {
        private final String line;
        private final int lineNo;
        private int pos;

        LineReader(String line, int lineNo) {
            this.line = line;
            this.lineNo = lineNo;
        }

        Sample sample() {
            String name = token(METRIC_NAME, "a metric name [a-zA-Z_:][a-zA-Z0-9_:]*");
            Map<String, String> labels = new TreeMap<>();
            if (pos < line.length() && line.charAt(pos) == '{') {
                pos++;
                labels(labels);
            }
            requireBlank("a space before the value");
            String value = word();
            double v;
            try {
                v = PromNumbers.parse(value);
            } catch (NumberFormatException e) {
                throw error(lineNo, line, "value '" + value + "'", "a decimal like 1, 0.5, 1e3, or +Inf, -Inf, NaN");
            }
            Long ts = null;
            skipBlank();
            if (pos < line.length()) {
                String t = word();
                if (!TIMESTAMP.matcher(t).matches()) {
                    throw error(lineNo, line, "timestamp '" + t + "'", "integer milliseconds since the epoch");
                }
                ts = Long.parseLong(t);
                skipBlank();
                if (pos < line.length()) {
                    throw error(lineNo, line, "trailing text '" + line.substring(pos) + "'", "name{labels} value [timestamp]");
                }
            }
            return new Sample(name, Collections.unmodifiableMap(labels), v, ts);
        }

        private void labels(Map<String, String> labels) {
            while (true) {
                skipBlank();
                if (pos < line.length() && line.charAt(pos) == '}') {
                    pos++;
                    return;
                }
                String label = token(LABEL_NAME, "a label name [a-zA-Z_][a-zA-Z0-9_]* or '}'");
                skipBlank();
                expect('=');
                skipBlank();
                expect('"');
                String value = quoted();
                if (labels.put(label, value) != null) {
                    throw error(lineNo, line, "label " + label + " twice", "each label once per series");
                }
                skipBlank();
                if (pos < line.length() && line.charAt(pos) == ',') {
                    pos++;
                } else if (pos < line.length() && line.charAt(pos) == '}') {
                    pos++;
                    return;
                } else {
                    throw error(lineNo, line, "'" + rest() + "' after label " + label, "',' or '}'");
                }
            }
        }

        private String quoted() {
            StringBuilder sb = new StringBuilder();
            while (pos < line.length()) {
                char c = line.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (pos >= line.length()) {
                    break;
                }
                char n = line.charAt(pos++);
                if (n == '\\') {
                    sb.append('\\');
                } else if (n == '"') {
                    sb.append('"');
                } else if (n == 'n') {
                    sb.append('\n');
                } else {
                    throw error(lineNo, line, "label value escape \\" + n, "escapes \\\\, \\\" and \\n");
                }
            }
            throw error(lineNo, line, "unterminated label value", "a value closed by '\"'");
        }

        private String token(Pattern p, String expected) {
            int start = pos;
            while (pos < line.length() && isNameChar(line.charAt(pos))) {
                pos++;
            }
            String t = line.substring(start, pos);
            if (!p.matcher(t).matches()) {
                throw error(lineNo, line, "'" + (t.isEmpty() ? rest() : t) + "'", expected);
            }
            return t;
        }

        private static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == ':';
        }

        private String word() {
            int start = pos;
            while (pos < line.length() && line.charAt(pos) != ' ' && line.charAt(pos) != '\t') {
                pos++;
            }
            return line.substring(start, pos);
        }

        private void expect(char c) {
            if (pos >= line.length() || line.charAt(pos) != c) {
                throw error(lineNo, line, "'" + rest() + "'", "'" + c + "'");
            }
            pos++;
        }

        private void requireBlank(String what) {
            if (pos >= line.length() || (line.charAt(pos) != ' ' && line.charAt(pos) != '\t')) {
                throw error(lineNo, line, "'" + rest() + "'", what);
            }
            skipBlank();
        }

        private void skipBlank() {
            while (pos < line.length() && (line.charAt(pos) == ' ' || line.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private String rest() {
            return pos >= line.length() ? "end of line" : line.substring(pos);
        }
    }
}
