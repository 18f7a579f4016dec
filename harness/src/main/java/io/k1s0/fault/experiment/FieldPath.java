package io.k1s0.fault.experiment;

import java.util.ArrayList;
import java.util.List;

/** A position in the YAML document, printed as {@code spec.targets[0].host}. */
final class FieldPath {

    static final FieldPath ROOT = new FieldPath(List.of());

    private final List<Object> segments;

    private FieldPath(List<Object> segments) {
        this.segments = segments;
    }

    static FieldPath of(String... fields) {
        FieldPath p = ROOT;
        for (String f : fields) {
            p = p.field(f);
        }
        return p;
    }

    FieldPath field(String name) {
        List<Object> s = new ArrayList<>(segments);
        s.add(name);
        return new FieldPath(List.copyOf(s));
    }

    FieldPath index(int i) {
        List<Object> s = new ArrayList<>(segments);
        s.add(i);
        return new FieldPath(List.copyOf(s));
    }

    FieldPath parent() {
        return segments.isEmpty() ? this : new FieldPath(segments.subList(0, segments.size() - 1));
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    /** The JSON Pointer of this path, the key of {@link YamlLines}. */
    String pointer() {
        StringBuilder b = new StringBuilder();
        segments.forEach(s -> b.append('/').append(s.toString().replace("~", "~0").replace("/", "~1")));
        return b.toString();
    }

    @Override
    public String toString() {
        if (segments.isEmpty()) {
            return "(document)";
        }
        StringBuilder b = new StringBuilder();
        for (Object s : segments) {
            if (s instanceof Integer i) {
                b.append('[').append(i).append(']');
            } else {
                b.append(b.isEmpty() ? "" : ".").append(s);
            }
        }
        return b.toString();
    }
}
