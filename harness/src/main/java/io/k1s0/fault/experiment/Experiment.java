package io.k1s0.fault.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.k1s0.fault.istio.FaultSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An experiment file ({@code apiVersion: fault.k1s0.io/v1}, {@code kind: Experiment}) as an immutable model.
 * Read it with {@link ExperimentLoader}, which also validates; defaults are filled in here.
 */
public record Experiment(String apiVersion, String kind, Metadata metadata, Spec spec) {

    public static final String API_VERSION = "fault.k1s0.io/v1";
    public static final String KIND = "Experiment";

    public String name() {
        return metadata == null ? null : metadata.name();
    }

    /** The istio-level fault for one resolved target service. */
    public FaultSpec faultSpec(String service, String namespace) {
        Faults f = spec.faults();
        FaultSpec.Builder b = FaultSpec.builder().target(service, namespace);
        if (f.delay() != null) {
            b.delay(f.delay().percent().value(), f.delay().fixedDelay());
        }
        if (f.abort() != null) {
            b.abort(f.abort().percent().value(), f.abort().httpStatus());
        }
        if (f.headerMatch() != null) {
            HeaderMatch h = f.headerMatch();
            FaultSpec.MatchKind kind = h.exact() != null ? FaultSpec.MatchKind.EXACT
                    : h.prefix() != null ? FaultSpec.MatchKind.PREFIX : FaultSpec.MatchKind.REGEX;
            String value = h.exact() != null ? h.exact() : h.prefix() != null ? h.prefix() : h.regex();
            b.headerMatch(h.name(), kind, value);
        }
        if (f.sourceLabels() != null) {
            b.sourceLabels(f.sourceLabels());
        }
        return b.build();
    }

    public record Metadata(String name) { }

    public record Spec(Environment environment, List<Target> targets, Faults faults, Phases phases, Traffic traffic,
                       List<Expectation> expectations, Safety safety, Reporting reporting) {
        public Spec {
            targets = targets == null ? List.of() : List.copyOf(targets);
            expectations = expectations == null ? List.of() : List.copyOf(expectations);
            phases = phases == null ? new Phases(null, null, null) : phases;
            safety = safety == null ? new Safety(null, null, null, null, null) : safety;
            reporting = reporting == null ? new Reporting(null, null, null, null) : reporting;
        }
    }

    /** The k1s0 environment the experiment is meant for; compared with the pod's {@code K1S0_ENVIRONMENT}. */
    public enum Environment implements YamlEnum.Named {
        DEV("dev"), STAGING("staging"), PROD("prod");

        private final String yamlName;

        Environment(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String yamlName() {
            return yamlName;
        }

        @JsonCreator
        static Environment of(String value) {
            return YamlEnum.parse(Environment.class, "an environment", value);
        }
    }

    /** Either one host ({@code host} + {@code namespace}) or every Service in {@code namespaces}. */
    public record Target(String host, String namespace, List<String> namespaces) {
        public Target {
            namespaces = namespaces == null ? null : List.copyOf(namespaces);
        }

        public boolean isHost() {
            return host != null;
        }
    }

    /** {@code sourceLabels} scopes the fault to callers with these pod labels. */
    public record Faults(Delay delay, Abort abort, HeaderMatch headerMatch, Map<String, String> sourceLabels) {
        public Faults {
            sourceLabels = sourceLabels == null ? null : Map.copyOf(sourceLabels);
        }
    }

    public record Delay(Percent percent, Duration fixedDelay) { }

    public record Abort(Percent percent, Integer httpStatus) { }

    /** Exactly one of exact / prefix / regex. */
    public record HeaderMatch(String name, String exact, String prefix, String regex) { }

    public record Phases(Duration baseline, Duration injection, Duration recovery) {
        public static final Duration DEFAULT_BASELINE = Duration.ofMinutes(5);
        public static final Duration DEFAULT_INJECTION = Duration.ofMinutes(30);
        public static final Duration DEFAULT_RECOVERY = Duration.ofMinutes(5);

        public Phases {
            baseline = baseline == null ? DEFAULT_BASELINE : baseline;
            injection = injection == null ? DEFAULT_INJECTION : injection;
            recovery = recovery == null ? DEFAULT_RECOVERY : recovery;
        }

        public Duration total() {
            return baseline.plus(injection).plus(recovery);
        }
    }

    /** Where traffic leaves from (a meshed workload), how fast, and which requests. */
    public record Traffic(Vantage vantage, Double rate, Long maxRequests, List<Request> requests) {
        public Traffic {
            requests = requests == null ? List.of() : List.copyOf(requests);
        }
    }

    public record Vantage(String workload, String namespace) { }

    public record Request(String method, String path, String host, Map<String, String> headers) {
        public Request {
            method = method == null ? "GET" : method;
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }
    }

    public record Expectation(Metric metric, String target, Op op, String value, Double confidence) {
        public static final double DEFAULT_CONFIDENCE = 0.95;

        public Expectation {
            confidence = confidence == null ? DEFAULT_CONFIDENCE : confidence;
        }

        /** The value as a fraction 0..1; for the fraction and rate metrics. */
        public double fraction() {
            return Values.percent(value).fraction();
        }

        /** The value as a duration; for {@code p99}. */
        public Duration duration() {
            return Values.duration(value);
        }

        /** The value as a count; for {@code retries} and {@code ejections}. */
        public long count() {
            return Long.parseLong(value.trim());
        }
    }

    public enum Metric implements YamlEnum.Named {
        ABORT_FRACTION("abortFraction", Unit.PERCENT), DELAY_FRACTION("delayFraction", Unit.PERCENT),
        ERROR_RATE("errorRate", Unit.PERCENT), ORGANIC_ERROR_RATE("organicErrorRate", Unit.PERCENT),
        P99("p99", Unit.DURATION), RETRIES("retries", Unit.COUNT), EJECTIONS("ejections", Unit.COUNT);

        /** What kind of value an expectation on this metric takes. */
        public enum Unit { PERCENT, DURATION, COUNT }

        private final String yamlName;
        private final Unit unit;

        Metric(String yamlName, Unit unit) {
            this.yamlName = yamlName;
            this.unit = unit;
        }

        public Unit unit() {
            return unit;
        }

        @JsonValue
        @Override
        public String yamlName() {
            return yamlName;
        }

        @JsonCreator
        static Metric of(String value) {
            return YamlEnum.parse(Metric.class, "a metric", value);
        }
    }

    public enum Op implements YamlEnum.Named {
        CONSISTENT_WITH("consistentWith"), BELOW("below"), AT_LEAST("atLeast");

        private final String yamlName;

        Op(String yamlName) {
            this.yamlName = yamlName;
        }

        @JsonValue
        @Override
        public String yamlName() {
            return yamlName;
        }

        @JsonCreator
        static Op of(String value) {
            return YamlEnum.parse(Op.class, "an operator", value);
        }
    }

    /**
     * Safety limits. Defaults: stop at organic error rate above 5 % or P99 above 1000 ms (the design's rollback
     * thresholds); only kube context {@code k1s0-staging}; no namespace allowed in cluster until listed.
     */
    public record Safety(Percent abortOnOrganicErrorRate, Duration abortOnP99, List<String> allowedContexts,
                         List<String> allowedNamespaces, Integer maxServices) {
        public static final List<String> DEFAULT_CONTEXTS = List.of("k1s0-staging");

        public Safety {
            abortOnOrganicErrorRate = abortOnOrganicErrorRate == null ? new Percent(5) : abortOnOrganicErrorRate;
            abortOnP99 = abortOnP99 == null ? Duration.ofMillis(1000) : abortOnP99;
            allowedContexts = allowedContexts == null ? DEFAULT_CONTEXTS : List.copyOf(allowedContexts);
            allowedNamespaces = allowedNamespaces == null ? List.of() : List.copyOf(allowedNamespaces);
        }

        public Optional<Integer> maxServicesLimit() {
            return Optional.ofNullable(maxServices);
        }
    }

    public record Reporting(Pushgateway pushgateway, Grafana grafana, Teams teams, String outputDir) { }

    public record Pushgateway(URI url) { }

    public record Grafana(URI url, SecretRef tokenSecret) { }

    public record Teams(SecretRef webhookSecret) { }

    /** Where a secret comes from: an environment variable or a file (never the YAML itself). */
    public record SecretRef(String env, String file) { }
}
