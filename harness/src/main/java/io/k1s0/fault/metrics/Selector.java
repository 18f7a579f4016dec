package io.k1s0.fault.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Label matchers with PromQL semantics: a missing label matches as the empty string and regular expressions are
 * fully anchored. The same selector filters a {@link MeshSnapshot} in memory and renders as a PromQL selector, so
 * both metric sources and the printed query mean the same thing.
 */
public final class Selector {

    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Selector ALL = new Selector(List.of());

    private final List<Matcher> matchers;

    private Selector(List<Matcher> matchers) {
        this.matchers = List.copyOf(matchers);
    }

    /** Matches every series. */
    public static Selector all() {
        return ALL;
    }

    public Selector eq(String label, String value) {
        return with(new Matcher(label, Op.EQ, value));
    }

    public Selector ne(String label, String value) {
        return with(new Matcher(label, Op.NE, value));
    }

    /** Fully anchored regular expression, as PromQL's {@code =~}. */
    public Selector regex(String label, String regex) {
        return with(new Matcher(label, Op.RE, regex));
    }

    public Selector notRegex(String label, String regex) {
        return with(new Matcher(label, Op.NRE, regex));
    }

    /** Envoy joins response flags with commas ("DI,FI"); this matches series whose flags include {@code flag}. */
    public Selector flagsContain(String flag) {
        return regex("response_flags", flagPattern(flag));
    }

    public Selector flagsLack(String flag) {
        return notRegex("response_flags", flagPattern(flag));
    }

    /** Both selectors' matchers together (logical and). */
    public Selector and(Selector other) {
        List<Matcher> all = new ArrayList<>(matchers);
        all.addAll(other.matchers);
        return new Selector(all);
    }

    public boolean matches(Map<String, String> labels) {
        for (Matcher m : matchers) {
            if (!m.test(labels.getOrDefault(m.label, ""))) {
                return false;
            }
        }
        return true;
    }

    /** The PromQL form, e.g. {@code {reporter="source",response_flags=~"(.*,)?FI(,.*)?"}}; empty braces for all. */
    public String toPromQl() {
        return matchers.stream().map(Matcher::toPromQl).collect(Collectors.joining(",", "{", "}"));
    }

    /** The PromQL form of {@code metric} restricted by this selector. */
    public String on(String metric) {
        return matchers.isEmpty() ? metric : metric + toPromQl();
    }

    List<String> labelNames() {
        return matchers.stream().map(m -> m.label).distinct().collect(Collectors.toUnmodifiableList());
    }

    private Selector with(Matcher m) {
        List<Matcher> all = new ArrayList<>(matchers);
        all.add(m);
        return new Selector(all);
    }

    private static String flagPattern(String flag) {
        if (!flag.matches("[A-Z]{2,4}")) {
            throw new IllegalArgumentException(
                    "response flag '" + flag + "' is not an Envoy short flag; allowed: 2-4 upper-case letters, e.g. FI, DI, UO, URX");
        }
        return "(.*,)?" + flag + "(,.*)?";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Selector && ((Selector) o).matchers.equals(matchers);
    }

    @Override
    public int hashCode() {
        return matchers.hashCode();
    }

    @Override
    public String toString() {
        return toPromQl();
    }

    private enum Op {
        EQ("="), NE("!="), RE("=~"), NRE("!~");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    private static final class Matcher {
        final String label;
        final Op op;
        final String value;
        final Pattern pattern;

        Matcher(String label, Op op, String value) {
            Objects.requireNonNull(value, "value");
            if (label == null || !LABEL_NAME.matcher(label).matches()) {
                throw new IllegalArgumentException(
                        "label name '" + label + "' is not a Prometheus label name; allowed: [a-zA-Z_][a-zA-Z0-9_]*");
            }
            this.label = label;
            this.op = op;
            this.value = value;
            this.pattern = (op == Op.RE || op == Op.NRE) ? Pattern.compile(value) : null;
        }

        boolean test(String actual) {
            switch (op) {
                case EQ: return actual.equals(value);
                case NE: return !actual.equals(value);
                case RE: return pattern.matcher(actual).matches();
                default: return !pattern.matcher(actual).matches();
            }
        }

        String toPromQl() {
            return label + op.symbol + '"' + escape(value) + '"';
        }

        private static String escape(String v) {
            return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Matcher)) {
                return false;
            }
            Matcher m = (Matcher) o;
            return m.label.equals(label) && m.op == op && m.value.equals(value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(label, op, value);
        }
    }

}
