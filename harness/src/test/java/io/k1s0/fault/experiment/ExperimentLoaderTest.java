package io.k1s0.fault.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ExperimentLoaderTest {

    static String weekly() {
        try (InputStream in = ExperimentLoaderTest.class.getResourceAsStream("/experiments/weekly.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String weeklyWith(String from, String to) {
        String yaml = weekly();
        assertThat(yaml).as("the sample contains the text the case replaces").contains(from);
        return yaml.replace(from, to);
    }

    private final ExperimentLoader loader = new ExperimentLoader();

    @Test
    void theWeeklySampleLoadsWithTheDesignsNumbers() {
        Experiment e = loader.load(Path.of("src/test/resources/experiments/weekly.yaml"));

        assertThat(e.name()).isEqualTo("weekly-fault-injection");
        assertThat(e.spec().environment()).isEqualTo(Experiment.Environment.STAGING);
        assertThat(e.spec().targets()).singleElement().satisfies(t ->
                assertThat(t.namespaces()).containsExactly("k1s0-system", "k1s0-business", "k1s0-service"));
        assertThat(e.spec().faults().delay().percent().value()).isEqualTo(10.0);
        assertThat(e.spec().faults().delay().fixedDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(e.spec().faults().abort().percent().fraction()).isEqualTo(0.05);
        assertThat(e.spec().faults().abort().httpStatus()).isEqualTo(503);
        assertThat(e.spec().phases().injection()).isEqualTo(Duration.ofMinutes(30));
        assertThat(e.spec().phases().total()).isEqualTo(Duration.ofMinutes(40));
        assertThat(e.spec().expectations()).hasSize(4);
        assertThat(e.spec().expectations().get(3).duration()).isEqualTo(Duration.ofMillis(1000));
        assertThat(e.spec().expectations().get(2).fraction()).isEqualTo(0.002);
        assertThat(e.spec().safety().allowedContexts()).containsExactly("k1s0-staging");
        assertThat(e.spec().reporting().teams().webhookSecret().file()).isEqualTo("/var/run/secrets/teams/webhook-url");
        assertThat(e.faultSpec("order-server", "k1s0-service").abort()).hasValueSatisfying(a ->
                assertThat(a.httpStatus()).isEqualTo(503));
    }

    @Test
    void defaultsFillPhasesSafetyAndConfidence() {
        String yaml = weekly().replaceAll("(?s)  phases:.*?  traffic:", "  traffic:")
                .replaceAll("(?s)  safety:.*?  reporting:", "  reporting:");

        Experiment e = loader.parse(yaml, "minimal.yaml");

        assertThat(e.spec().phases().baseline()).isEqualTo(Duration.ofMinutes(5));
        assertThat(e.spec().phases().injection()).as("injection defaults to 30 minutes").isEqualTo(Duration.ofMinutes(30));
        assertThat(e.spec().safety().abortOnOrganicErrorRate().value()).isEqualTo(5.0);
        assertThat(e.spec().safety().abortOnP99()).isEqualTo(Duration.ofMillis(1000));
        assertThat(e.spec().safety().allowedContexts()).containsExactly("k1s0-staging");
        assertThat(e.spec().safety().maxServicesLimit()).isEmpty();
        assertThat(e.spec().expectations().get(0).confidence()).isEqualTo(0.95);
    }

    @Test
    void percentagesMayBeWrittenAsPlainNumbers() {
        Experiment e = loader.parse(weeklyWith("percent: 5%", "percent: 5"), "plain.yaml");

        assertThat(e.spec().faults().abort().percent().value()).isEqualTo(5.0);
    }

    static Stream<Arguments> badInputs() {
        String hostTarget = "    - namespaces: [k1s0-system, k1s0-business, k1s0-service]";
        return Stream.of(
                Arguments.of("unknown field", weeklyWith("    abort:\n", "    abrot:\n"),
                        "bad.yaml:16: spec.faults.abrot: unknown field \"abrot\"; did you mean \"abort\"? "
                                + "allowed: abort, delay, headerMatch, sourceLabels"),
                Arguments.of("wrong type", weeklyWith("rate: 20", "rate: fast"),
                        "bad.yaml:27: spec.traffic.rate: wrong type: got \"fast\"; allowed: a number"),
                Arguments.of("list where a mapping is expected", weeklyWith("  faults:\n", "  faults: []\n  x:\n"),
                        "bad.yaml:12: spec.faults: wrong type: got a list; allowed: a mapping with fields delay, abort, "
                                + "headerMatch, sourceLabels"),
                Arguments.of("percent above 100", weeklyWith("percent: 5%", "percent: 120%"),
                        "bad.yaml:17: spec.faults.abort.percent: 120% is out of range; allowed: 0% to 100%"),
                Arguments.of("percent below 0", weeklyWith("percent: 10%", "percent: -1"),
                        "bad.yaml:14: spec.faults.delay.percent: -1% is out of range; allowed: 0% to 100%"),
                Arguments.of("negative duration", weeklyWith("baseline: 5m", "baseline: -5m"),
                        "bad.yaml:20: spec.phases.baseline: \"-5m\" is negative; allowed: a duration >= 0, a number with "
                                + "unit ms, s, m or h such as 500ms, 30s, 5m, 1h"),
                Arguments.of("unparsable duration", weeklyWith("injection: 30m", "injection: 30 minutes"),
                        "bad.yaml:21: spec.phases.injection: \"30 minutes\" is not a duration; allowed: a number with "
                                + "unit ms, s, m or h such as 500ms, 30s, 5m, 1h"),
                Arguments.of("duration without unit", weeklyWith("recovery: 5m", "recovery: 5"),
                        "bad.yaml:22: spec.phases.recovery: wrong type: got 5 (no unit); allowed: a number with "
                                + "unit ms, s, m or h such as 500ms, 30s, 5m, 1h"),
                Arguments.of("unknown metric", weeklyWith("metric: p99", "metric: p95"),
                        "bad.yaml:46: spec.expectations[3].metric: \"p95\" is not a metric; did you mean \"p99\"? "
                                + "allowed: abortFraction, delayFraction, errorRate, organicErrorRate, p99, retries, ejections"),
                Arguments.of("unknown op", weeklyWith("op: below\n      value: 1000ms", "op: under\n      value: 1000ms"),
                        "bad.yaml:47: spec.expectations[3].op: \"under\" is not an operator; "
                                + "allowed: consistentWith, below, atLeast"),
                Arguments.of("empty targets", weeklyWith(hostTarget, "    []").replace("  targets:\n    []", "  targets: []"),
                        "bad.yaml:10: spec.targets: is empty; allowed: {host: NAME, namespace: NS} or {namespaces: [NS, ...]}"),
                Arguments.of("rate 0", weeklyWith("rate: 20", "rate: 0"),
                        "bad.yaml:27: spec.traffic.rate: 0 is not allowed; allowed: requests per second > 0"),
                Arguments.of("maxRequests 0", weeklyWith("maxRequests: 60000", "maxRequests: 0"),
                        "bad.yaml:28: spec.traffic.maxRequests: 0 is not allowed; allowed: a whole number > 0, or leave it out"),
                Arguments.of("httpStatus out of range", weeklyWith("httpStatus: 503", "httpStatus: 700"),
                        "bad.yaml:18: spec.faults.abort.httpStatus: 700 is out of range; allowed: 200-599"),
                Arguments.of("fixedDelay below 1ms", weeklyWith("fixedDelay: 500ms", "fixedDelay: 0.5ms"),
                        "bad.yaml:15: spec.faults.delay.fixedDelay: 0.5ms is too short; allowed: a duration >= 1ms "
                                + "(Istio's minimum)"),
                Arguments.of("no fault at all", weekly().replaceAll("(?s)  faults:.*?  phases:", "  faults: {}\n  phases:"),
                        "bad.yaml:12: spec.faults: has neither delay nor abort; allowed: delay, abort or both"),
                Arguments.of("teams without webhook secret",
                        weekly().replaceAll("(?s)    teams:.*?    outputDir", "    teams: {}\n    outputDir"),
                        "bad.yaml:63: spec.reporting.teams.webhookSecret: is missing; allowed: {env: VARIABLE} or "
                                + "{file: PATH} (secrets never go into the experiment file)"),
                Arguments.of("secret with both env and file", weeklyWith("        env: GRAFANA_TOKEN",
                                "        env: GRAFANA_TOKEN\n        file: /token"),
                        "bad.yaml:61: spec.reporting.grafana.tokenSecret: both env and file given; allowed: exactly one "
                                + "of {env: VARIABLE} or {file: PATH}"),
                Arguments.of("unknown environment", weeklyWith("environment: staging", "environment: stagin"),
                        "bad.yaml:9: spec.environment: \"stagin\" is not an environment; did you mean \"staging\"? "
                                + "allowed: dev, staging, prod"),
                Arguments.of("duplicated target", weeklyWith(hostTarget,
                                "    - {host: order-server, namespace: k1s0-service}\n"
                                        + "    - {host: order-server, namespace: k1s0-service}"),
                        "bad.yaml:12: spec.targets[1]: duplicated target order-server.k1s0-service; allowed: each target once"),
                Arguments.of("target with host and namespaces", weeklyWith(hostTarget,
                                "    - {host: order-server, namespaces: [k1s0-service]}"),
                        "bad.yaml:11: spec.targets[0]: has both host and namespaces; allowed: {host: NAME, namespace: NS} "
                                + "or {namespaces: [NS, ...]}"),
                Arguments.of("bad apiVersion", weeklyWith("fault.k1s0.io/v1", "fault.k1s0.io/v2"),
                        "bad.yaml:4: apiVersion: \"fault.k1s0.io/v2\" is not supported; allowed: fault.k1s0.io/v1"),
                Arguments.of("bad kind", weeklyWith("kind: Experiment", "kind: Experiments"),
                        "bad.yaml:5: kind: \"Experiments\" is not supported; allowed: Experiment"),
                Arguments.of("missing name", weeklyWith("  name: weekly-fault-injection\n", "  {}\n")
                                .replace("metadata:\n  {}", "metadata: {}"),
                        "bad.yaml:6: metadata.name: is missing; allowed: a DNS label such as weekly-fault-injection"),
                Arguments.of("zero injection", weeklyWith("injection: 30m", "injection: 0s"),
                        "bad.yaml:21: spec.phases.injection: 0s is not allowed; allowed: a duration > 0 (default 30m)"),
                Arguments.of("value not fitting the metric", weeklyWith("value: 1000ms", "value: 5%"),
                        "bad.yaml:48: spec.expectations[3].value: \"5%\" does not fit metric p99; allowed: a number with "
                                + "unit ms, s, m or h such as 500ms, 30s, 5m, 1h"),
                Arguments.of("duplicated key", weeklyWith("rate: 20", "rate: 20\n    rate: 30"),
                        "bad.yaml:28: spec.traffic.rate: duplicated field 'rate'; allowed: each field once"),
                Arguments.of("broken YAML", weeklyWith("  faults:\n", "  faults: [\n"),
                        "bad.yaml:14: spec.faults[0]: not valid YAML (while parsing a flow sequence)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void eachBadInputGivesOneClearErrorNamingTheField(String kind, String yaml, String expected) {
        assertThatThrownBy(() -> loader.parse(yaml, "bad.yaml"))
                .isInstanceOfSatisfying(ExperimentException.class, e -> {
                    assertThat(e.problems()).as("exactly one problem for %s", kind).hasSize(1);
                    assertThat(e.problems().get(0)).as(kind).startsWith(expected);
                });
    }

    @Test
    void severalProblemsAreListedOnePerLine() {
        String yaml = weeklyWith("rate: 20", "rate: 0").replace("httpStatus: 503", "httpStatus: 99");

        assertThatThrownBy(() -> loader.parse(yaml, "two.yaml"))
                .isInstanceOfSatisfying(ExperimentException.class, e -> assertThat(e.getMessage().lines())
                        .containsExactly(
                                "two.yaml:18: spec.faults.abort.httpStatus: 99 is out of range; allowed: 200-599",
                                "two.yaml:27: spec.traffic.rate: 0 is not allowed; allowed: requests per second > 0"));
    }

    @Test
    void headerScopingAndSourceLabelsReachTheIstioFault() {
        String yaml = weeklyWith("      httpStatus: 503\n", "      httpStatus: 503\n    headerMatch: {name: x-fault, regex: \"^on$\"}\n"
                + "    sourceLabels: {app: fault-runner}\n");

        var fault = loader.parse(yaml, "scoped.yaml").faultSpec("order-server", "k1s0-service");

        assertThat(fault.headerMatch()).contains(new io.k1s0.fault.istio.FaultSpec.HeaderMatch("x-fault",
                io.k1s0.fault.istio.FaultSpec.MatchKind.REGEX, "^on$"));
        assertThat(fault.sourceLabels()).containsEntry("app", "fault-runner");
    }

    @Test
    void aHeaderMatchWithTwoKindsIsRejected() {
        String yaml = weeklyWith("      httpStatus: 503\n", "      httpStatus: 503\n    headerMatch: {name: x-fault, exact: a, prefix: b}\n");

        assertThatThrownBy(() -> loader.parse(yaml, "two-kinds.yaml"))
                .hasMessage("two-kinds.yaml:19: spec.faults.headerMatch: 2 of exact, prefix, regex given; "
                        + "allowed: exactly one of them");
    }

    @Test
    void aMissingFileIsReportedWithItsPath() {
        assertThatThrownBy(() -> loader.load(Path.of("does-not-exist.yaml")))
                .isInstanceOf(ExperimentException.class)
                .hasMessageStartingWith("does-not-exist.yaml: cannot read the experiment file");
    }

    @Test
    void anEmptyDocumentIsRejected() {
        assertThatThrownBy(() -> loader.parse("", "empty.yaml"))
                .hasMessage("empty.yaml:0: (document): is empty; allowed: an Experiment with apiVersion fault.k1s0.io/v1");
    }
}
