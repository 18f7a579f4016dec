package io.k1s0.fault.istio;

import static io.k1s0.fault.istio.LintFixtures.SAFE_ROUTE;
import static io.k1s0.fault.istio.LintFixtures.findings;
import static io.k1s0.fault.istio.LintFixtures.virtualService;
import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.istio.ManifestLint.Finding;
import io.k1s0.fault.istio.ManifestLint.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every FH rule once failing, once passing. */
class LintRulesTest {

    @TempDir
    Path dir;

    private static final String ORDER_SERVER_DR = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: %s
              namespace: k1s0-service
            spec:
              host: order-server
              subsets:
                - name: stable
                  labels: {version: stable}
            """;

    private static String faultRoute(String fault, String policy) {
        return "fault:\n" + fault.strip().indent(2) + "route:\n  - destination: {host: order-server}\n" + policy;
    }

    private static final String DELAY = """
            delay:
              percentage: {value: 10.0}
              fixedDelay: 500ms
            """;

    private static final String RETRIES = "retries: {attempts: 0}\n";

    @Test
    void fh001TwoVirtualServicesForOneHostOnTheMeshAreAnError() {
        List<Finding> found = findings(dir, virtualService("a", SAFE_ROUTE) + "---\n" + virtualService("b", SAFE_ROUTE),
                "FH001");

        assertThat(found).as("both VirtualServices are reported").hasSize(2).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.ERROR);
            assertThat(f.message()).contains("2 VirtualServices claim host order-server.k1s0-service.svc.cluster.local",
                    "IST0109", "put all routes for the host into one VirtualService");
        });
    }

    @Test
    void fh001OneVirtualServicePerHostOrGatewayBoundOnesPass() {
        String gatewayBound = virtualService("b", SAFE_ROUTE).replace("  http:", "  gateways: [service-mesh/gw]\n  http:");

        assertThat(findings(dir, virtualService("a", SAFE_ROUTE) + "---\n" + gatewayBound, "FH001"))
                .as("a gateway-bound VirtualService is merged by Istio").isEmpty();
    }

    @Test
    void fh002FaultOnARouteWithRetriesIsAWarning() {
        List<Finding> found = findings(dir, virtualService("a", faultRoute(DELAY, "timeout: 10s\n" + RETRIES)), "FH002");

        assertThat(found).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.path()).isEqualTo("spec.http[0].fault");
            assertThat(f.message()).contains("injected aborts are never retried");
        });
    }

    @Test
    void fh002FaultWithoutRetriesOrTimeoutForTheHostPasses() {
        assertThat(findings(dir, virtualService("a", faultRoute(DELAY, "")), "FH002")).as("no policy to bypass")
                .isEmpty();
    }

    @Test
    void fh003FaultWithoutPercentageIsAnError() {
        String abort = "abort:\n  httpStatus: 503\n";

        assertThat(findings(dir, virtualService("a", faultRoute(abort, RETRIES)), "FH003")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("means 0 %", "set percentage.value"));
    }

    @Test
    void fh003FaultWithPercentagePasses() {
        assertThat(findings(dir, virtualService("a", faultRoute(DELAY, RETRIES)), "FH003")).isEmpty();
    }

    @Test
    void fh004AbortStatusOutside200To599AndDelayBelow1msAreErrors() {
        String bad = """
                abort:
                  httpStatus: 600
                  percentage: {value: 5}
                delay:
                  fixedDelay: 500us
                  percentage: {value: 5}
                """;

        assertThat(findings(dir, virtualService("a", faultRoute(bad, RETRIES)), "FH004")).extracting(Finding::path)
                .as("both values reported").containsExactlyInAnyOrder("spec.http[0].fault.abort.httpStatus",
                        "spec.http[0].fault.delay.fixedDelay");
    }

    @Test
    void fh004ValidStatusAndDelayPass() {
        String good = "abort:\n  httpStatus: 503\n  percentage: {value: 5}\n" + DELAY;

        assertThat(findings(dir, virtualService("a", faultRoute(good, RETRIES)), "FH004")).isEmpty();
    }

    @Test
    void fh005RetriesThatDoNotFitTheTimeoutReportTheEffectiveAttempts() {
        String route = SAFE_ROUTE.replace("attempts: 2", "attempts: 3");

        assertThat(findings(dir, virtualService("a", route), "FH005")).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).isEqualTo("(3+1) x perTryTimeout 3s + up to 275ms backoff = 12.275s exceeds "
                    + "the route timeout 10s: effective attempts 3 (1 try + 2 retries) get their full per-try "
                    + "timeout, not 4. Fix: raise timeout to >= 12.275s or lower attempts/perTryTimeout");
        });
    }

    @Test
    void fh005RetriesThatFitTheTimeoutPass() {
        assertThat(findings(dir, virtualService("a", SAFE_ROUTE), "FH005")).isEmpty();
    }

    @Test
    void fh006PerTryTimeoutWithoutRetryableConditionIsAWarning() {
        String route = SAFE_ROUTE.replace("5xx,reset,connect-failure", "reset,connect-failure");

        assertThat(findings(dir, virtualService("a", route), "FH006")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("a try that times out is not retried",
                        "add gateway-error"));
    }

    @Test
    void fh006PerTryTimeoutWithGatewayErrorPasses() {
        String route = SAFE_ROUTE.replace("5xx,reset,connect-failure", "gateway-error,reset");

        assertThat(findings(dir, virtualService("a", route), "FH006")).isEmpty();
    }

    @Test
    void fh007RouteWithoutRetriesOrWithoutRetryOnIsAWarning() {
        String noRetries = "route:\n  - destination: {host: order-server}\n";
        String noRetryOn = noRetries + "retries: {attempts: 2}\n";

        assertThat(findings(dir, virtualService("a", noRetries), "FH007")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("does not disable retries"));
        assertThat(findings(dir, virtualService("a", noRetryOn), "FH007")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("retries without retryOn"));
    }

    @Test
    void fh007ExplicitRetriesOrAttemptsZeroPass() {
        assertThat(findings(dir, virtualService("a", SAFE_ROUTE), "FH007")).isEmpty();
        assertThat(findings(dir, virtualService("a", "route:\n  - destination: {host: order-server}\n" + RETRIES),
                "FH007")).as("attempts: 0 disables retries explicitly").isEmpty();
    }

    @Test
    void fh008SubsetNoDestinationRuleDefinesIsAnError() {
        String route = SAFE_ROUTE.replace("host: order-server", "host: order-server\n      subset: canary");

        assertThat(findings(dir, virtualService("a", route) + "---\n" + ORDER_SERVER_DR.formatted("dr"), "FH008"))
                .singleElement().satisfies(f -> {
                    assertThat(f.path()).isEqualTo("spec.http[0].route[0].destination.subset");
                    assertThat(f.message()).contains("subset 'canary'", "(defined: stable)", "503 NR");
                });
    }

    @Test
    void fh008DefinedSubsetPasses() {
        String route = SAFE_ROUTE.replace("host: order-server", "host: order-server\n      subset: stable");

        assertThat(findings(dir, virtualService("a", route) + "---\n" + ORDER_SERVER_DR.formatted("dr"), "FH008"))
                .isEmpty();
    }

    @Test
    void fh009TwoDestinationRulesForOneHostAreAnError() {
        assertThat(findings(dir, ORDER_SERVER_DR.formatted("one") + "---\n" + ORDER_SERVER_DR.formatted("two"), "FH009"))
                .hasSize(2).allSatisfy(f -> assertThat(f.message()).contains("merge them into one DestinationRule"));
    }

    @Test
    void fh009OneDestinationRulePerHostPasses() {
        assertThat(findings(dir, ORDER_SERVER_DR.formatted("one"), "FH009")).isEmpty();
    }

    @Test
    void fh010UpperCaseHeaderKeyIsAnError() {
        String route = "match:\n  - headers:\n      X-Canary: {exact: \"true\"}\n" + SAFE_ROUTE;

        assertThat(findings(dir, virtualService("a", route), "FH010")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("'X-Canary'", "write 'x-canary'"));
    }

    @Test
    void fh010LowerCaseHeaderKeyPasses() {
        String route = "match:\n  - headers:\n      x-canary: {exact: \"true\"}\n" + SAFE_ROUTE;

        assertThat(findings(dir, virtualService("a", route), "FH010")).isEmpty();
    }

    private static String canary(String analysis) {
        return """
                apiVersion: flagger.app/v1beta1
                kind: Canary
                metadata: {name: order-server, namespace: k1s0-service}
                spec:
                  targetRef: {apiVersion: apps/v1, kind: Deployment, name: order-server}
                  service: {port: 80}
                  analysis:
                    interval: 5m
                """ + analysis.strip().indent(4);
    }

    @Test
    void fh011StepWeightPrintsTheRealSequence() {
        assertThat(findings(dir, canary("maxWeight: 80\nstepWeight: 20"), "FH011")).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("Flagger will shift canary traffic "
                        + "20 -> 40 -> 60 -> 80 then promote, but the documented stages are 10 -> 30 -> 50 -> 80. "
                        + "Fix: set analysis.stepWeights: [10, 30, 50, 80] (and drop stepWeight/maxWeight)"));
        assertThat(findings(dir, canary("maxWeight: 50\nstepWeight: 20"), "FH011")).singleElement()
                .satisfies(f -> assertThat(f.message()).as("overshoot past maxWeight")
                        .startsWith("Flagger will shift canary traffic 20 -> 40 -> 60 then promote"));
    }

    @Test
    void fh011ComparesWithTheStagesAnnotationWhenGiven() {
        String annotated = canary("stepWeights: [10, 30, 50, 80]").replace("metadata: {name: order-server,",
                "metadata: {annotations: {lint.k1s0.io/stages: \"5,50\"}, name: order-server,");
        String unreadable = annotated.replace("5,50", "five");

        assertThat(findings(dir, annotated, "FH011")).singleElement().satisfies(f -> assertThat(f.message())
                .contains("10 -> 30 -> 50 -> 80 then promote, but the documented stages are 5 -> 50"));
        assertThat(LintFixtures.lint(dir, unreadable).notes()).as("bad annotation explained")
                .anySatisfy(n -> assertThat(n).contains("annotation lint.k1s0.io/stages is 'five'"));
    }

    @Test
    void fh011StepWeightsMatchingTheStagesPass() {
        assertThat(findings(dir, canary("stepWeights: [10, 30, 50, 80]"), "FH011")).isEmpty();
    }

    private static final String OUTLIER_DR = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: auth-server
              namespace: k1s0-system
              annotations: {lint.k1s0.io/replicas: "%d"}
            spec:
              host: auth-server
              trafficPolicy:
                outlierDetection:
                  consecutive5xxErrors: 3
                  maxEjectionPercent: 30
            """;

    @Test
    void fh012EjectionPercentBelowOneHostIsAWarning() {
        assertThat(findings(dir, OUTLIER_DR.formatted(2), "FH012")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("maxEjectionPercent 30 of 2 replicas is 0.6 hosts",
                        "maxEjectionPercent >= 50 at 2 replicas"));
    }

    @Test
    void fh012EjectionPercentCoveringOneHostPasses() {
        assertThat(findings(dir, OUTLIER_DR.formatted(4), "FH012")).as("30 %% of 4 = 1.2 hosts").isEmpty();
    }

    @Test
    void fh012TakesTheReplicaCountFromADeploymentBeforeTheAnnotationAndTheOption() {
        String deployment = """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: auth-server, namespace: k1s0-system}
                spec:
                  replicas: 2
                """;
        ManifestLint.Result result = ManifestLint.lint(
                List.of(LintFixtures.write(dir, "d.yaml", OUTLIER_DR.formatted(10) + deployment)),
                LintFixtures.NO_SCHEMAS.withDefaultReplicas(OptionalInt.of(10)));

        assertThat(result.findings()).filteredOn(f -> f.ruleId().equals("FH012")).as("2 replicas from the Deployment")
                .singleElement().satisfies(f -> assertThat(f.message()).contains("of 2 replicas"));
    }

    @Test
    void fh012WithoutReplicaCountIsNotEvaluatedAndSaysSo() {
        String noAnnotation = OUTLIER_DR.formatted(1).replace("  annotations: {lint.k1s0.io/replicas: \"1\"}\n", "");
        ManifestLint.Result result = LintFixtures.lint(dir, noAnnotation);

        assertThat(result.findings()).as("no finding").isEmpty();
        assertThat(result.notes()).anySatisfy(n -> assertThat(n).startsWith(
                "FH012 not evaluated for DestinationRule k1s0-system/auth-server"));
    }

    @Test
    void fh013MirrorWithoutPercentageIsAWarning() {
        String route = SAFE_ROUTE + "mirror: {host: order-server}\n";

        assertThat(findings(dir, virtualService("a", route), "FH013")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("100 %"));
    }

    @Test
    void fh013MirrorWithPercentagePasses() {
        String route = SAFE_ROUTE + "mirror: {host: order-server}\nmirrorPercentage: {value: 10.0}\n";

        assertThat(findings(dir, virtualService("a", route), "FH013")).isEmpty();
    }

    private static final String TWO_DESTINATIONS = """
            route:
              - destination: {host: order-server, subset: stable}
                weight: %d
              - destination: {host: order-server, subset: canary}
                weight: 0
            retries: {attempts: 0}
            """;

    @Test
    void fh014AllWeightsZeroIsAnError() {
        assertThat(findings(dir, virtualService("a", TWO_DESTINATIONS.formatted(0)), "FH014")).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
    }

    @Test
    void fh014APositiveWeightPasses() {
        assertThat(findings(dir, virtualService("a", TWO_DESTINATIONS.formatted(100)), "FH014")).isEmpty();
    }

    @Test
    void fh015UnknownRetryOnTokenIsAnErrorWithASuggestion() {
        String route = SAFE_ROUTE.replace("5xx,reset,connect-failure", "5xx,reset,connect-failures");

        assertThat(findings(dir, virtualService("a", route), "FH015")).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("retryOn token 'connect-failures' is not an Envoy "
                        + "retry condition; did you mean connect-failure?"));
    }

    @Test
    void fh015KnownTokensAndStatusCodesPass() {
        String route = SAFE_ROUTE.replace("5xx,reset,connect-failure", "gateway-error,503,retriable-4xx,unavailable");

        assertThat(findings(dir, virtualService("a", route), "FH015")).isEmpty();
    }

    @Test
    void fh016SameObjectInTwoFilesIsInfo() {
        Path one = LintFixtures.write(dir, "one.yaml", virtualService("a", SAFE_ROUTE));
        Path two = LintFixtures.write(dir, "two.yaml", virtualService("a", SAFE_ROUTE));

        ManifestLint.Result result = ManifestLint.lint(List.of(one, two), LintFixtures.NO_SCHEMAS);

        assertThat(result.findings()).as("no FH001 for two versions of one object").singleElement().satisfies(f -> {
            assertThat(f.ruleId()).isEqualTo("FH016");
            assertThat(f.severity()).isEqualTo(Severity.INFO);
        });
    }

    @Test
    void fh016DistinctObjectsPass() {
        assertThat(findings(dir, virtualService("a", SAFE_ROUTE), "FH016")).isEmpty();
    }
}
