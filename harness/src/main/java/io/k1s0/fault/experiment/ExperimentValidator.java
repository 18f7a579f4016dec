package io.k1s0.fault.experiment;

import io.k1s0.fault.experiment.Experiment.Expectation;
import io.k1s0.fault.experiment.Experiment.Faults;
import io.k1s0.fault.experiment.Experiment.SecretRef;
import io.k1s0.fault.experiment.Experiment.Target;
import io.k1s0.fault.experiment.Experiment.Traffic;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The checks that need more than one value: required fields, ranges, combinations, duplicates. */
final class ExperimentValidator {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final String TARGET_FORMS = "allowed: {host: NAME, namespace: NS} or {namespaces: [NS, ...]}";

    private final List<Problem> problems = new ArrayList<>();

    static List<Problem> validate(Experiment e) {
        ExperimentValidator v = new ExperimentValidator();
        v.check(e);
        return List.copyOf(v.problems);
    }

    private void check(Experiment e) {
        if (e.metadata() == null || e.metadata().name() == null) {
            missing(FieldPath.of("metadata", "name"), "a DNS label such as weekly-fault-injection");
        } else {
            dnsLabel(FieldPath.of("metadata", "name"), e.metadata().name());
        }
        if (e.spec() == null) {
            missing(FieldPath.of("spec"), "a mapping with environment, targets, faults, traffic, ...");
            return;
        }
        FieldPath spec = FieldPath.of("spec");
        if (e.spec().environment() == null) {
            missing(spec.field("environment"), "dev, staging, prod");
        }
        targets(spec.field("targets"), e.spec().targets());
        faults(spec.field("faults"), e.spec().faults());
        if (e.spec().phases().injection().isZero()) {
            add(spec.field("phases").field("injection"), "0s is not allowed; allowed: a duration > 0 (default 30m)");
        }
        traffic(spec.field("traffic"), e.spec().traffic());
        for (int i = 0; i < e.spec().expectations().size(); i++) {
            expectation(spec.field("expectations").index(i), e.spec().expectations().get(i), e.spec().targets());
        }
        safety(spec.field("safety"), e.spec().safety());
        reporting(spec.field("reporting"), e.spec().reporting());
    }

    private void targets(FieldPath path, List<Target> targets) {
        if (targets.isEmpty()) {
            add(path, "is empty; " + TARGET_FORMS);
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < targets.size(); i++) {
            FieldPath at = path.index(i);
            Target t = targets.get(i);
            if (t == null) {
                add(at, "is empty; " + TARGET_FORMS);
            } else if (t.host() != null && t.namespaces() != null || t.host() == null && t.namespaces() == null) {
                add(at, "has " + (t.host() != null ? "both host and namespaces" : "neither host nor namespaces")
                        + "; " + TARGET_FORMS);
            } else if (t.isHost()) {
                dnsLabel(at.field("host"), t.host());
                if (t.namespace() == null) {
                    missing(at.field("namespace"), "the namespace of the host's Service");
                } else {
                    dnsLabel(at.field("namespace"), t.namespace());
                }
                if (!seen.add(t.host() + "." + t.namespace())) {
                    add(at, "duplicated target " + t.host() + "." + t.namespace() + "; allowed: each target once");
                }
            } else {
                if (t.namespace() != null) {
                    add(at.field("namespace"), "\"" + t.namespace() + "\" is not allowed beside namespaces; " + TARGET_FORMS);
                }
                if (t.namespaces().isEmpty()) {
                    add(at.field("namespaces"), "is empty; allowed: one or more namespace names");
                }
                for (int j = 0; j < t.namespaces().size(); j++) {
                    String ns = t.namespaces().get(j);
                    dnsLabel(at.field("namespaces").index(j), ns);
                    if (!seen.add("*." + ns)) {
                        add(at.field("namespaces").index(j), "duplicated target namespace " + ns
                                + "; allowed: each namespace once");
                    }
                }
            }
        }
    }

    private void faults(FieldPath path, Faults f) {
        if (f == null || f.delay() == null && f.abort() == null) {
            add(path, (f == null ? "is missing" : "has neither delay nor abort") + "; allowed: delay, abort or both");
            return;
        }
        if (f.delay() != null) {
            FieldPath d = path.field("delay");
            if (f.delay().percent() == null) {
                missing(d.field("percent"), "0% to 100%");
            }
            Duration fixed = f.delay().fixedDelay();
            if (fixed == null) {
                missing(d.field("fixedDelay"), "a duration >= 1ms such as 500ms");
            } else if (fixed.compareTo(Duration.ofMillis(1)) < 0) {
                add(d.field("fixedDelay"), Values.format(fixed) + " is too short; allowed: a duration >= 1ms (Istio's minimum)");
            }
        }
        if (f.abort() != null) {
            FieldPath a = path.field("abort");
            if (f.abort().percent() == null) {
                missing(a.field("percent"), "0% to 100%");
            }
            Integer status = f.abort().httpStatus();
            if (status == null) {
                missing(a.field("httpStatus"), "an HTTP status 200-599");
            } else if (status < 200 || status > 599) {
                add(a.field("httpStatus"), status + " is out of range; allowed: 200-599");
            }
        }
        if (f.headerMatch() != null) {
            headerMatch(path.field("headerMatch"), f.headerMatch());
        }
        if (f.sourceLabels() != null && f.sourceLabels().isEmpty()) {
            add(path.field("sourceLabels"), "is empty; allowed: one or more label: value pairs, or leave it out");
        }
    }

    private void headerMatch(FieldPath path, Experiment.HeaderMatch h) {
        if (h.name() == null || !HEADER_NAME.matcher(h.name()).matches()) {
            add(path.field("name"), quote(h.name()) + " is not allowed; allowed: a lower-case HTTP header name");
        }
        long given = java.util.stream.Stream.of(h.exact(), h.prefix(), h.regex()).filter(java.util.Objects::nonNull).count();
        if (given != 1) {
            add(path, given + " of exact, prefix, regex given; allowed: exactly one of them");
        } else if (h.regex() != null) {
            try {
                Pattern.compile(h.regex());
            } catch (PatternSyntaxException ex) {
                add(path.field("regex"), quote(h.regex()) + " is not a regular expression (" + ex.getDescription()
                        + "); allowed: an RE2-compatible regular expression");
            }
        }
    }

    private void traffic(FieldPath path, Traffic t) {
        if (t == null) {
            missing(path, "a mapping with vantage, rate, requests");
            return;
        }
        if (t.vantage() == null || t.vantage().workload() == null || t.vantage().namespace() == null) {
            missing(path.field("vantage"), "{workload: NAME, namespace: NS} of a meshed workload the traffic leaves from");
        }
        if (t.rate() == null) {
            missing(path.field("rate"), "requests per second > 0");
        } else if (!(t.rate() > 0) || t.rate().isInfinite()) {
            add(path.field("rate"), Values.number(t.rate()) + " is not allowed; allowed: requests per second > 0");
        }
        if (t.maxRequests() != null && t.maxRequests() <= 0) {
            add(path.field("maxRequests"), t.maxRequests() + " is not allowed; allowed: a whole number > 0, or leave it out");
        }
        if (t.requests().isEmpty()) {
            add(path.field("requests"), "is empty; allowed: one or more {method, path, host, headers}");
        }
        for (int i = 0; i < t.requests().size(); i++) {
            FieldPath at = path.field("requests").index(i);
            Experiment.Request r = t.requests().get(i);
            if (!METHODS.contains(r.method())) {
                add(at.field("method"), quote(r.method()) + " is not allowed; "
                        + Values.didYouMean(r.method(), METHODS) + "allowed: " + String.join(", ", METHODS.stream().sorted().toList()));
            }
            if (r.path() == null || !r.path().startsWith("/")) {
                add(at.field("path"), quote(r.path()) + " is not allowed; allowed: a path starting with /");
            }
            if (r.host() == null) {
                missing(at.field("host"), "the Service host to call, such as order-server.k1s0-service");
            }
        }
    }

    private void expectation(FieldPath path, Expectation x, List<Target> targets) {
        if (x.metric() == null) {
            missing(path.field("metric"), "abortFraction, delayFraction, errorRate, organicErrorRate, p99, retries, ejections");
        }
        if (x.op() == null) {
            missing(path.field("op"), "consistentWith, below, atLeast");
        }
        if (x.value() == null) {
            missing(path.field("value"), "a percentage, duration or count matching the metric");
        } else if (x.metric() != null) {
            try {
                switch (x.metric().unit()) {
                    case PERCENT -> x.fraction();
                    case DURATION -> x.duration();
                    case COUNT -> {
                        if (x.count() < 0) {
                            throw new NumberFormatException();
                        }
                    }
                }
            } catch (NumberFormatException | InvalidValueException ex) {
                String forms = switch (x.metric().unit()) {
                    case PERCENT -> "a percentage such as 5%";
                    case DURATION -> Values.DURATION_FORMS;
                    case COUNT -> "a whole number >= 0";
                };
                add(path.field("value"), quote(x.value()) + " does not fit metric " + x.metric().yamlName()
                        + "; allowed: " + forms);
            }
        }
        if (!(x.confidence() > 0 && x.confidence() < 1)) {
            add(path.field("confidence"), Values.number(x.confidence()) + " is not allowed; allowed: a number between 0 and 1 "
                    + "exclusive, such as 0.95");
        }
        if (x.target() != null && !targets.isEmpty() && targets.stream().allMatch(t -> t != null && t.isHost())
                && targets.stream().noneMatch(t -> x.target().equals(t.host()))) {
            add(path.field("target"), quote(x.target()) + " is not a target; allowed: "
                    + String.join(", ", targets.stream().map(Target::host).toList()));
        }
    }

    private void safety(FieldPath path, Experiment.Safety s) {
        if (s.allowedContexts().isEmpty()) {
            add(path.field("allowedContexts"), "is empty; allowed: one or more kube context names (default k1s0-staging)");
        }
        for (int i = 0; i < s.allowedNamespaces().size(); i++) {
            dnsLabel(path.field("allowedNamespaces").index(i), s.allowedNamespaces().get(i));
        }
        if (s.maxServices() != null && s.maxServices() < 1) {
            add(path.field("maxServices"), s.maxServices() + " is not allowed; allowed: a whole number >= 1, or leave it out");
        }
        if (s.abortOnP99().isZero()) {
            add(path.field("abortOnP99"), "0s is not allowed; allowed: a duration > 0 (default 1000ms)");
        }
    }

    private void reporting(FieldPath path, Experiment.Reporting r) {
        if (r.pushgateway() != null) {
            url(path.field("pushgateway").field("url"), r.pushgateway().url());
        }
        if (r.grafana() != null) {
            url(path.field("grafana").field("url"), r.grafana().url());
            secret(path.field("grafana").field("tokenSecret"), r.grafana().tokenSecret());
        }
        if (r.teams() != null) {
            secret(path.field("teams").field("webhookSecret"), r.teams().webhookSecret());
        }
        if (r.outputDir() != null && r.outputDir().isBlank()) {
            add(path.field("outputDir"), "\"\" is not allowed; allowed: a directory path, or leave it out");
        }
    }

    private void url(FieldPath path, URI url) {
        if (url == null) {
            missing(path, "an http or https URL");
        } else if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            add(path, quote(url.toString()) + " is not allowed; allowed: an http or https URL with a host");
        }
    }

    private void secret(FieldPath path, SecretRef ref) {
        if (ref == null) {
            missing(path, "{env: VARIABLE} or {file: PATH} (secrets never go into the experiment file)");
        } else if (ref.env() != null == (ref.file() != null)) {
            add(path, (ref.env() == null ? "neither env nor file" : "both env and file")
                    + " given; allowed: exactly one of {env: VARIABLE} or {file: PATH}");
        } else if (ref.env() != null && !ENV_NAME.matcher(ref.env()).matches()) {
            add(path.field("env"), quote(ref.env()) + " is not allowed; allowed: an environment variable name");
        }
    }

    private void dnsLabel(FieldPath path, String value) {
        if (value == null || !DNS_LABEL.matcher(value).matches()) {
            add(path, quote(value) + " is not allowed; allowed: a DNS label (lower-case a-z, 0-9, '-', at most 63)");
        }
    }

    private void missing(FieldPath path, String allowed) {
        add(path, "is missing; allowed: " + allowed);
    }

    private void add(FieldPath path, String message) {
        problems.add(new Problem(path, message));
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
