package io.k1s0.fault.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code run} with a bad experiment file or option against a "cluster" (the local mesh through its kubeconfig):
 * one clear error on stderr naming the field, exit 2, and no VirtualService written.
 */
class RunBadInputTest {

    @TempDir
    static Path dir;
    private static RunnerMesh mesh;

    @BeforeAll
    static void startMesh() {
        mesh = RunnerMesh.start(dir);
        System.setProperty("kubeconfig", mesh.kubeconfig().toString());
    }

    @AfterAll
    static void stopMesh() {
        System.clearProperty("kubeconfig");
        if (mesh != null) {
            mesh.close();
        }
    }

    static String base() {
        try (InputStream in = RunBadInputTest.class.getResourceAsStream("/runner/order-server.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String with(String from, String to) {
        String yaml = base();
        assertThat(yaml).as("the base experiment contains the text the case replaces").contains(from);
        return yaml.replace(from, to);
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("unknown field", with("    abort:\n", "    abrot:\n"), "spec.faults.abrot: unknown field"),
                Arguments.of("wrong type", with("rate: 20", "rate: fast"), "spec.traffic.rate: wrong type: got \"fast\""),
                Arguments.of("percent above 100", with("percent: 5%", "percent: 120%"),
                        "spec.faults.abort.percent: 120% is out of range; allowed: 0% to 100%"),
                Arguments.of("percent below 0", with("percent: 10%", "percent: -1"), "spec.faults.delay.percent: -1% is out of range"),
                Arguments.of("negative duration", with("baseline: 2s", "baseline: -2s"), "spec.phases.baseline: \"-2s\" is negative"),
                Arguments.of("unparsable duration", with("injection: 120s", "injection: 2 minutes"),
                        "spec.phases.injection: \"2 minutes\" is not a duration"),
                Arguments.of("duration without unit", with("recovery: 2s", "recovery: 2"), "spec.phases.recovery: wrong type: got 2 (no unit)"),
                Arguments.of("zero injection", with("injection: 120s", "injection: 0s"), "spec.phases.injection: 0s is not allowed"),
                Arguments.of("empty targets", with("  targets:\n    - host: order-server\n      namespace: k1s0-service\n", "  targets: []\n"),
                        "spec.targets: is empty"),
                Arguments.of("rate 0", with("rate: 20", "rate: 0"), "spec.traffic.rate: 0 is not allowed"),
                Arguments.of("httpStatus out of range", with("httpStatus: 503", "httpStatus: 700"),
                        "spec.faults.abort.httpStatus: 700 is out of range; allowed: 200-599"),
                Arguments.of("fixedDelay below 1ms", with("fixedDelay: 200ms", "fixedDelay: 0.5ms"), "spec.faults.delay.fixedDelay: 0.5ms is too short"),
                Arguments.of("unknown metric", with("metric: p99", "metric: p95"), "spec.expectations[0].metric: \"p95\" is not a metric"),
                Arguments.of("unknown op", with("op: below", "op: under"), "spec.expectations[0].op: \"under\" is not an operator"),
                Arguments.of("value not fitting the metric", with("value: 1000ms", "value: 5%"),
                        "spec.expectations[0].value: \"5%\" does not fit metric p99"),
                Arguments.of("teams without webhook secret", with("  reporting:\n", "  reporting:\n    teams: {}\n"),
                        "spec.reporting.teams.webhookSecret: is missing"),
                Arguments.of("unknown environment", with("environment: staging", "environment: stagin"),
                        "spec.environment: \"stagin\" is not an environment"),
                Arguments.of("bad apiVersion", with("fault.k1s0.io/v1", "fault.k1s0.io/v2"), "apiVersion: \"fault.k1s0.io/v2\" is not supported"),
                Arguments.of("duplicated key", with("rate: 20", "rate: 20\n    rate: 30"), "spec.traffic.rate: duplicated field 'rate'"),
                Arguments.of("broken YAML", with("  faults:\n", "  faults: [\n"), "not valid YAML"),
                Arguments.of("unknown host (found when resolving against the cluster)",
                        with("    - host: order-server\n", "    - host: order-srever\n")
                                .replace("target: order-server", "target: order-srever"),
                        "spec.targets[0].host: unknown host \"order-srever\" in namespace k1s0-service"));
    }

    record Outcome(int exitCode, String out, String err) { }

    static Outcome run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FaultRunner()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute(args.toArray(String[]::new));
        return new Outcome(code, out.toString(), err.toString());
    }

    private static List<String> runArgs(Path file, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--experiment", file.toString(), "--run-id", "bad-input"));
        args.addAll(mesh.clusterOptions());
        args.addAll(List.of(extra));
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void eachBadExperimentGivesOneErrorOnStderrExitTwoAndAppliesNothing(String kind, String yaml, String expected)
            throws IOException {
        Path file = Files.writeString(dir.resolve("bad-" + kind.replaceAll("[^a-z]", "-") + ".yaml"), yaml);
        Map<String, String> before = mesh.virtualServices();

        Outcome o = run(runArgs(file));

        assertThat(o.exitCode()).as("exit code for %s; stderr: %s", kind, o.err()).isEqualTo(2);
        List<String> problems = o.err().lines().filter(l -> !l.equals("nothing was applied")).toList();
        assertThat(problems).as("stderr for %s: exactly one problem line", kind).hasSize(1);
        assertThat(problems.get(0)).as("the problem names the file, the field and the value").startsWith(file.getFileName() + ":")
                .contains(expected);
        assertThat(o.err()).as("stderr says nothing was applied").contains("nothing was applied");
        assertThat(mesh.virtualServices()).as("VirtualServices (name → resourceVersion) after the refused run")
                .isEqualTo(before);
        assertThat(mesh.markedBy("bad-input")).as("VirtualServices carrying the run's label").isEmpty();
    }

    @Test
    void badOptionsNameTheOptionTheValueAndWhatIsAllowed() throws IOException {
        Path file = Files.writeString(dir.resolve("good.yaml"), base());
        Map<String, String> before = mesh.virtualServices();

        Outcome duration = run(runArgs(file, "--duration", "0s"));
        Outcome environment = run(List.of("run", "--experiment", file.toString(), "--environment", "staging"));
        Outcome rate = run(runArgs(file, "--rate", "0"));

        assertThat(duration.exitCode()).as("--duration 0s exit code").isEqualTo(2);
        assertThat(duration.err()).as("--duration 0s error").contains("--duration").contains("'0s' is not positive")
                .contains("allowed: e.g. 90s, 2m");
        assertThat(environment.exitCode()).as("--environment staging exit code").isEqualTo(2);
        assertThat(environment.err()).as("--environment staging error").contains("--environment").contains("staging")
                .contains("local, cluster");
        assertThat(rate.exitCode()).as("--rate 0 exit code").isEqualTo(2);
        assertThat(rate.err()).as("--rate 0 error").contains("--rate: '0.0' is not allowed; allowed: 0 < rate <= 50000");
        assertThat(mesh.virtualServices()).as("VirtualServices after the bad options").isEqualTo(before);
    }

    @Test
    void aContextOutsideTheAllowListIsRefusedWithTheReasonAndExitThree() throws IOException {
        Path file = Files.writeString(dir.resolve("good.yaml"), base());
        Map<String, String> before = mesh.virtualServices();
        List<String> args = new ArrayList<>(List.of("run", "--experiment", file.toString(), "--environment", "cluster"));

        Outcome o = run(args);

        assertThat(o.exitCode()).as("exit code when the context is not allow-listed; out: %s", o.out()).isEqualTo(3);
        assertThat(o.out()).as("the printed reason")
                .contains("refusing to inject: kube context local-mesh is not allowed; allowed contexts: k1s0-staging");
        assertThat(mesh.virtualServices()).as("VirtualServices after the refusal").isEqualTo(before);
    }

    @Test
    void helpDocumentsEveryExitCode() {
        Outcome o = run(List.of("run", "--help"));

        assertThat(o.exitCode()).as("--help exit code").isZero();
        assertThat(o.out()).as("run --help").contains("Exit codes:").contains("0   every expectation passed")
                .contains("2   bad input").contains("3   refused by the staging guard").contains("4   cleanup failed");
    }
}
