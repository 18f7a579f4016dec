package io.k1s0.fault.istio;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Loads Istio / Flagger / Kubernetes manifests strictly, validates them against the CRD schemas when
 * available, and runs the FH lint rules. The only public entry of the lint part of this package.
 *
 * <p>Input problems (missing file, YAML syntax, unknown kind or field, wrong value type) are returned
 * as {@link Result#inputErrors()}; rule and schema findings as {@link Result#findings()}.
 */
public final class ManifestLint {

    /** How bad a finding is: errors break the mesh or are rejected; warnings surprise; info explains. */
    public enum Severity { ERROR, WARNING, INFO }

    /**
     * One finding.
     *
     * @param ruleId stable id such as {@code FH005}, or {@code SCHEMA} for a CRD schema violation
     * @param severity how bad it is
     * @param file the file the resource came from
     * @param resource {@code Kind namespace/name}
     * @param path JSON path inside the resource, e.g. {@code spec.http[0].retries}
     * @param message what is wrong and how to fix it
     */
    public record Finding(String ruleId, Severity severity, String file, String resource, String path,
            String message) {
        public Finding {
            Objects.requireNonNull(ruleId, "ruleId");
            Objects.requireNonNull(severity, "severity");
        }

        /** One line: {@code file: SEVERITY ID resource path: message}. */
        public String toLine() {
            return file + ": " + severity + " " + ruleId + " " + resource + " " + path + ": " + message;
        }
    }

    /**
     * Lint options.
     *
     * @param defaultReplicas replica count FH012 assumes for a host with no Deployment in the file set and
     *        no {@value LintContext#REPLICAS_ANNOTATION} annotation; empty: FH012 skips such hosts
     * @param istioCrds Istio CRD file for schema validation, or null to skip
     * @param flaggerCrds Flagger CRD file for schema validation, or null to skip
     */
    public record Options(OptionalInt defaultReplicas, Path istioCrds, Path flaggerCrds) {
        public Options {
            Objects.requireNonNull(defaultReplicas, "defaultReplicas");
            if (defaultReplicas.isPresent() && defaultReplicas.getAsInt() < 1) {
                throw new IllegalArgumentException(
                        "replicas must be >= 1, was " + defaultReplicas.getAsInt());
            }
        }

        /** Options from the environment: {@code ISTIO_CRDS} / {@code FLAGGER_CRDS} or {@code istio.crds} /
         * {@code flagger.crds} system properties; no default replica count. */
        public static Options fromEnvironment() {
            return new Options(OptionalInt.empty(), setting("istio.crds", "ISTIO_CRDS"),
                    setting("flagger.crds", "FLAGGER_CRDS"));
        }

        /** Returns a copy with the given default replica count. */
        public Options withDefaultReplicas(OptionalInt replicas) {
            return new Options(replicas, istioCrds, flaggerCrds);
        }

        private static Path setting(String property, String env) {
            String value = System.getProperty(property);
            if (value == null || value.isBlank()) {
                value = System.getenv(env);
            }
            return value == null || value.isBlank() ? null : Path.of(value);
        }
    }

    /**
     * The outcome of a lint run.
     *
     * @param files the manifest files read
     * @param inputErrors problems that stop a file from being read (exit code 2 in the CLI)
     * @param findings schema and rule findings, sorted by file, rule and path
     * @param notes what was skipped and why (e.g. schema validation without CRD files)
     */
    public record Result(List<Path> files, List<String> inputErrors, List<Finding> findings, List<String> notes) {
        public Result {
            files = List.copyOf(files);
            inputErrors = List.copyOf(inputErrors);
            findings = List.copyOf(findings);
            notes = List.copyOf(notes);
        }

        /** True when a finding has severity ERROR. */
        public boolean hasErrors() {
            return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
        }
    }

    private ManifestLint() {
    }

    /**
     * Lints files and directories (directories are searched recursively for {@code *.yaml} / {@code *.yml}).
     * Rules run only when every file was read without an input error, so a rule never judges half a set.
     */
    public static Result lint(List<Path> paths, Options options) {
        ManifestLoader.Loaded loaded = new ManifestLoader().load(paths);
        List<String> notes = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        ManifestSchemas schemas = new ManifestSchemas(options.istioCrds(), options.flaggerCrds(), notes);
        List<String> inputErrors = new ArrayList<>(loaded.errors());
        inputErrors.addAll(schemas.errors());
        if (inputErrors.isEmpty()) {
            findings.addAll(schemas.validate(loaded.manifests()));
            LintContext context = new LintContext(loaded.manifests(), options.defaultReplicas());
            for (LintRule rule : LintRule.ALL) {
                rule.check(context, findings::add);
            }
            notes.addAll(context.notes());
        }
        findings.sort(Comparator.comparing(Finding::file).thenComparing(Finding::ruleId)
                .thenComparing(Finding::resource).thenComparing(Finding::path));
        return new Result(loaded.files(), inputErrors, findings, notes);
    }
}
