package io.k1s0.fault.istio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One fault to install on one host: a delay and/or an abort, optionally scoped to requests carrying a header
 * or coming from workloads with given labels. Built only through {@link #builder()}, which validates.
 */
public final class FaultSpec {

    /** How a header value is compared, as Istio's {@code StringMatch} does. */
    public enum MatchKind { EXACT, PREFIX, REGEX }

    public record Delay(double percent, Duration fixedDelay) { }

    public record Abort(double percent, int httpStatus) { }

    public record HeaderMatch(String name, MatchKind kind, String value) { }

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");

    private final String service;
    private final String namespace;
    private final Delay delay;
    private final Abort abort;
    private final HeaderMatch headerMatch;
    private final Map<String, String> sourceLabels;

    private FaultSpec(Builder b) {
        this.service = b.service;
        this.namespace = b.namespace;
        this.delay = b.delay;
        this.abort = b.abort;
        this.headerMatch = b.headerMatch;
        this.sourceLabels = Map.copyOf(b.sourceLabels);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String service() {
        return service;
    }

    public String namespace() {
        return namespace;
    }

    public String fqdn() {
        return service + "." + namespace + ".svc.cluster.local";
    }

    public Optional<Delay> delay() {
        return Optional.ofNullable(delay);
    }

    public Optional<Abort> abort() {
        return Optional.ofNullable(abort);
    }

    public Optional<HeaderMatch> headerMatch() {
        return Optional.ofNullable(headerMatch);
    }

    public Map<String, String> sourceLabels() {
        return sourceLabels;
    }

    @Override
    public String toString() {
        return "FaultSpec{" + service + "." + namespace + ", delay=" + delay + ", abort=" + abort
                + ", headerMatch=" + headerMatch + ", sourceLabels=" + sourceLabels + "}";
    }

    /** Collects the fields; {@link #build()} checks them all and reports every problem at once. */
    public static final class Builder {
        private String service;
        private String namespace;
        private Delay delay;
        private Abort abort;
        private HeaderMatch headerMatch;
        private Map<String, String> sourceLabels = Map.of();

        private Builder() {
        }

        public Builder target(String service, String namespace) {
            this.service = service;
            this.namespace = namespace;
            return this;
        }

        public Builder delay(double percent, Duration fixedDelay) {
            this.delay = new Delay(percent, fixedDelay);
            return this;
        }

        public Builder abort(double percent, int httpStatus) {
            this.abort = new Abort(percent, httpStatus);
            return this;
        }

        public Builder headerMatch(String name, MatchKind kind, String value) {
            this.headerMatch = new HeaderMatch(name, kind, value);
            return this;
        }

        public Builder sourceLabels(Map<String, String> labels) {
            this.sourceLabels = Objects.requireNonNull(labels, "sourceLabels");
            return this;
        }

        /** @throws IllegalArgumentException listing every invalid field, its value and what is allowed */
        public FaultSpec build() {
            List<String> errors = new ArrayList<>();
            checkName("service", service, errors);
            checkName("namespace", namespace, errors);
            if (delay == null && abort == null) {
                errors.add("fault: neither delay nor abort given; allowed: delay, abort or both");
            }
            if (delay != null) {
                checkPercent("delay.percent", delay.percent(), errors);
                if (delay.fixedDelay() == null || delay.fixedDelay().compareTo(Duration.ofMillis(1)) < 0) {
                    errors.add("delay.fixedDelay: " + delay.fixedDelay() + " is not allowed; allowed: a duration >= 1ms");
                }
            }
            if (abort != null) {
                checkPercent("abort.percent", abort.percent(), errors);
                if (abort.httpStatus() < 200 || abort.httpStatus() > 599) {
                    errors.add("abort.httpStatus: " + abort.httpStatus() + " is not allowed; allowed: 200-599");
                }
            }
            if (headerMatch != null) {
                checkHeader(errors);
            }
            sourceLabels.forEach((k, v) -> {
                if (k == null || k.isBlank() || v == null) {
                    errors.add("sourceLabels: entry '" + k + "=" + v + "' is not allowed; allowed: non-empty key and a value");
                }
            });
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("invalid fault:\n  " + String.join("\n  ", errors));
            }
            return new FaultSpec(this);
        }

        private void checkHeader(List<String> errors) {
            String name = headerMatch.name();
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
                errors.add("headerMatch.name: '" + name + "' is not allowed; allowed: a lower-case HTTP header name");
            }
            if (headerMatch.kind() == null) {
                errors.add("headerMatch.kind: null is not allowed; allowed: EXACT, PREFIX, REGEX");
            }
            String value = headerMatch.value();
            if (value == null || value.isEmpty()) {
                errors.add("headerMatch.value: '" + value + "' is not allowed; allowed: a non-empty string");
            } else if (headerMatch.kind() == MatchKind.REGEX) {
                try {
                    Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    errors.add("headerMatch.value: '" + value + "' is not allowed; allowed: a valid regular expression ("
                            + e.getDescription() + ")");
                }
            }
        }

        private static void checkName(String field, String value, List<String> errors) {
            if (value == null || value.length() > 63 || !DNS_LABEL.matcher(value).matches()) {
                errors.add(field + ": '" + value + "' is not allowed; allowed: a DNS label (lower-case a-z, 0-9, '-', at most 63)");
            }
        }

        private static void checkPercent(String field, double value, List<String> errors) {
            if (Double.isNaN(value) || value < 0 || value > 100) {
                errors.add(field + ": " + value + " is not allowed; allowed: 0-100");
            }
        }
    }
}
