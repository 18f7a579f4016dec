package io.k1s0.fault.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.k1s0.fault.istio.ManifestLint;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fault-runner lint PATH...}: strict load, CRD schema check and FH rules for manifests. */
@Command(name = "lint", mixinStandardHelpOptions = true,
        usageHelpWidth = 110,
        description = "Lints Istio / Flagger manifests: strict loading, CRD schema validation when ISTIO_CRDS / "
                + "FLAGGER_CRDS (or -Distio.crds / -Dflagger.crds) name the CRD files, and rules FH001-FH016.",
        footerHeading = "%nRules (severity: ERROR = rejected or broken, WARNING = works but surprises, INFO = explains):%n",
        footer = {
            "  FH001 ERROR   two VirtualServices for one host on the mesh gateway (IST0109: not merged)",
            "  FH002 WARNING a fault on a route/host with retries or timeout (injected faults bypass them)",
            "  FH003 ERROR   fault delay/abort without percentage (means 0 %%)",
            "  FH004 ERROR   abort httpStatus outside 200-599, fixedDelay below 1ms",
            "  FH005 WARNING (attempts+1) x perTryTimeout + backoff exceeds the route timeout (effective attempts)",
            "  FH006 WARNING perTryTimeout set but retryOn has neither 5xx nor gateway-error",
            "  FH007 WARNING no retries, or retries without retryOn (Istio's default policy: 2 retries, not on 503)",
            "  FH008 ERROR   route or mirror to a subset no DestinationRule defines",
            "  FH009 ERROR   two DestinationRules for one host",
            "  FH010 ERROR   header match key not lower-case",
            "  FH011 WARNING Flagger weights differ from the documented stages (10/30/50/80, or the Canary's",
            "                annotation lint.k1s0.io/stages); prints the real sequence",
            "  FH012 WARNING maxEjectionPercent below one host at the replica count (a Deployment in the set,",
            "                the DestinationRule's annotation lint.k1s0.io/replicas, or --replicas)",
            "  FH013 WARNING mirror without mirrorPercentage (100 %% mirrored)",
            "  FH014 ERROR   several destinations, weights all zero",
            "  FH015 ERROR   retryOn token Envoy does not know",
            "  FH016 INFO    one object (kind/namespace/name) defined in several files",
            "  SCHEMA ERROR  violates the Istio 1.24.6 / Flagger 1.44.0 CRD schema"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:no error-level finding (warnings and info allowed)",
            "1:at least one error-level finding",
            "2:bad input: missing file, unreadable YAML, unknown kind or field, unreadable CRD file, bad option"})
final class LintCommand implements Callable<Integer> {

    /** Output formats. */
    enum Format { text, json }

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "Files or directories (searched recursively for *.yaml / *.yml).")
    private List<Path> paths;

    @Option(names = "--format", defaultValue = "text", description = "Output: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    private Format format;

    @Option(names = "--replicas", paramLabel = "N",
            description = "Replica count FH012 assumes for hosts with no Deployment in the set and no "
                    + "lint.k1s0.io/replicas annotation; without it FH012 skips such hosts.")
    private Integer replicas;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        if (replicas != null && replicas < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--replicas must be >= 1, was " + replicas);
        }
        ManifestLint.Options options = ManifestLint.Options.fromEnvironment()
                .withDefaultReplicas(replicas == null ? OptionalInt.empty() : OptionalInt.of(replicas));
        ManifestLint.Result result = ManifestLint.lint(paths, options);
        int exitCode = !result.inputErrors().isEmpty() ? 2 : result.hasErrors() ? 1 : 0;
        if (format == Format.json) {
            writeJson(result, exitCode);
        } else {
            writeText(result);
        }
        return exitCode;
    }

    private void writeText(ManifestLint.Result result) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        result.inputErrors().forEach(e -> err.println("error: " + e));
        result.findings().forEach(f -> out.println(f.toLine()));
        if (result.inputErrors().isEmpty()) {
            result.notes().forEach(n -> out.println("note: " + n));
            out.printf("%d files: %d errors, %d warnings, %d info%n", result.files().size(),
                    count(result, ManifestLint.Severity.ERROR), count(result, ManifestLint.Severity.WARNING),
                    count(result, ManifestLint.Severity.INFO));
        } else {
            err.printf("%d input errors; nothing was linted%n", result.inputErrors().size());
        }
        out.flush();
        err.flush();
    }

    private void writeJson(ManifestLint.Result result, int exitCode) throws JsonProcessingException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("exitCode", exitCode);
        json.put("files", result.files().stream().map(Path::toString).toList());
        json.put("inputErrors", result.inputErrors());
        json.put("findings", result.findings());
        json.put("notes", result.notes());
        PrintWriter out = spec.commandLine().getOut();
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        out.flush();
    }

    private static long count(ManifestLint.Result result, ManifestLint.Severity severity) {
        return result.findings().stream().filter(f -> f.severity() == severity).count();
    }
}
