package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code fault-runner lint}: exit codes, text and JSON output, and the repository's own manifests. */
class FaultRunnerLintTest {

    private static final Path MANIFESTS = Path.of("../manifests");
    private static final Path DESIGN_ORIGINAL = Path.of("src/test/resources/lint/design-original-order-server.yaml");

    @TempDir
    Path dir;

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new FaultRunner());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void lintOfTheManifestsExitsZeroAndListsTheWarningsTheReadmeExplains() throws IOException {
        Run run = run("lint", MANIFESTS.toString());

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        List<String> findings = run.out().lines().filter(l -> l.matches("^\\.\\./manifests/.*: (WARNING|INFO|ERROR) .*"))
                .map(l -> l.replaceFirst("^(\\S+): (\\S+) (\\S+) (\\S+ \\S+) (\\S+): .*$", "$2 $3 $1 $5")).toList();
        assertThat(findings).as("every finding of lint manifests/").containsExactly(
                "WARNING FH002 ../manifests/fault-injection/order-server-virtualservice-fault-window.yaml spec.http[0].fault",
                "WARNING FH002 ../manifests/fault-injection/order-server-virtualservice-fault-window.yaml spec.http[1].fault",
                "WARNING FH005 ../manifests/fault-injection/order-server-virtualservice-fault-window.yaml spec.http[0].retries",
                "WARNING FH005 ../manifests/fault-injection/order-server-virtualservice-fault-window.yaml spec.http[1].retries",
                "WARNING FH005 ../manifests/routing/order-server-virtualservice.yaml spec.http[0].retries",
                "WARNING FH005 ../manifests/routing/order-server-virtualservice.yaml spec.http[1].retries",
                "INFO FH016 ../manifests/routing/order-server-virtualservice.yaml metadata.name",
                "WARNING FH005 ../manifests/tier-defaults/business-default-virtualservice.yaml spec.http[0].retries",
                "WARNING FH005 ../manifests/tier-defaults/service-default-virtualservice.yaml spec.http[0].retries",
                "WARNING FH005 ../manifests/tier-defaults/system-default-virtualservice.yaml spec.http[0].retries");
        String readme = Files.readString(MANIFESTS.resolve("README.md"));
        assertThat(readme).as("manifests/README.md explains every finding").contains("FH002", "FH005", "FH016",
                "effective attempts 3", "effective attempts 2");
        assertThat(run.out()).as("summary").contains("11 files: 0 errors, 9 warnings, 1 info");
    }

    @Test
    void anErrorLevelFindingExitsOne() {
        Run run = run("lint", DESIGN_ORIGINAL.toString());

        assertThat(run.exitCode()).as("exit code").isEqualTo(1);
        assertThat(run.out()).as("FH001 and FH002 are printed").contains("ERROR FH001 VirtualService k1s0-service/order-server ",
                "WARNING FH002 VirtualService k1s0-service/order-server-fault-test ");
    }

    @Test
    void aMissingFileExitsTwo() {
        Run run = run("lint", dir.resolve("absent.yaml").toString());

        assertThat(run.exitCode()).as("exit code").isEqualTo(2);
        assertThat(run.err()).as("stderr").startsWith("error: " + dir.resolve("absent.yaml") + ": no such file or directory");
    }

    @Test
    void unreadableYamlUnknownKindAndUnknownFieldExitTwo() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "a: b\n  c: d\n");
        Path kind = Files.writeString(dir.resolve("kind.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
        Path typo = Files.writeString(dir.resolve("typo.yaml"),
                "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {prots: []}\n");

        assertThat(run("lint", broken.toString())).as("broken YAML").satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains(broken + ":2: YAML syntax error: mapping values are not allowed here");
        });
        assertThat(run("lint", kind.toString())).as("unknown kind").satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains(kind + ":1: unsupported kind 'ConfigMap'");
        });
        assertThat(run("lint", typo.toString())).as("unknown field").satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains(typo + ":4: Service default/x: spec.prots: unknown field; did you mean ports?");
        });
    }

    @Test
    void jsonOutputCarriesFindingsAndTheExitCode() throws IOException {
        Run run = run("lint", "--format", "json", DESIGN_ORIGINAL.toString());

        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(run.exitCode()).as("exit code").isEqualTo(1);
        assertThat(json.path("exitCode").asInt()).as("exitCode field").isEqualTo(1);
        assertThat(json.path("inputErrors").size()).as("input errors").isZero();
        assertThat(json.path("findings")).as("findings").anySatisfy(f -> {
            assertThat(f.path("ruleId").asText()).isEqualTo("FH001");
            assertThat(f.path("severity").asText()).isEqualTo("ERROR");
            assertThat(f.path("file").asText()).isEqualTo(DESIGN_ORIGINAL.toString());
            assertThat(f.path("path").asText()).isEqualTo("spec.hosts");
            assertThat(f.path("message").asText()).contains("IST0109");
        });
    }

    @Test
    void jsonOutputReportsInputErrorsWithExitTwo() throws IOException {
        Run run = run("lint", "--format=json", dir.resolve("absent.yaml").toString());

        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(run.exitCode()).as("exit code").isEqualTo(2);
        assertThat(json.path("inputErrors").get(0).asText()).as("input error").endsWith("no such file or directory");
    }

    @Test
    void replicasOptionTurnsOnFh012ForHostsWithoutACount() {
        Run run = run("lint", "--replicas", "2", MANIFESTS.toString());

        assertThat(run.exitCode()).as("warnings only").isZero();
        assertThat(run.out()).as("auth-server: 30 % of 2 replicas").contains(
                "WARNING FH012 DestinationRule k1s0-system/auth-server spec.trafficPolicy.outlierDetection.maxEjectionPercent: "
                        + "maxEjectionPercent 30 of 2 replicas is 0.6 hosts");
    }

    @Test
    void badOptionValuesExitTwo() {
        assertThat(run("lint", "--replicas", "0", MANIFESTS.toString())).as("--replicas 0").satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("--replicas must be >= 1, was 0");
        });
        assertThat(run("lint", "--format", "xml", MANIFESTS.toString())).as("--format xml").satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("Invalid value for option '--format'", "text, json");
        });
        assertThat(run("lint").exitCode()).as("no PATH").isEqualTo(2);
        assertThat(run().exitCode()).as("no subcommand").isEqualTo(2);
    }

    @Test
    void helpDocumentsTheExitCodes() {
        Run run = run("lint", "--help");

        assertThat(run.exitCode()).as("exit code").isZero();
        assertThat(run.out()).as("lint --help").contains("Exit codes:", "0   no error-level finding",
                "1   at least one error-level finding", "2   bad input");
        assertThat(run.out()).as("every rule with its severity").contains("FH001 ERROR", "FH002 WARNING", "FH003 ERROR",
                "FH004 ERROR", "FH005 WARNING", "FH006 WARNING", "FH007 WARNING", "FH008 ERROR", "FH009 ERROR",
                "FH010 ERROR", "FH011 WARNING", "FH012 WARNING", "FH013 WARNING", "FH014 ERROR", "FH015 ERROR",
                "FH016 INFO", "SCHEMA ERROR");
        assertThat(run("--help").out()).as("fault-runner --help").contains("lint", "Exit codes:");
    }
}
