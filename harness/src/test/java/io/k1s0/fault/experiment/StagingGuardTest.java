package io.k1s0.fault.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StagingGuardTest {

    private static final ExperimentLoader LOADER = new ExperimentLoader();

    private static Experiment weekly() {
        return LOADER.parse(ExperimentLoaderTest.weekly(), "weekly.yaml");
    }

    private static Experiment weeklyWith(String from, String to) {
        String yaml = ExperimentLoaderTest.weekly();
        assertThat(yaml).contains(from);
        return LOADER.parse(yaml.replace(from, to), "variant.yaml");
    }

    private static StagingGuard outOfCluster() {
        return new StagingGuard(Map.of(), path -> false);
    }

    private static StagingGuard inCluster(Map<String, String> env) {
        return new StagingGuard(env, path -> false);
    }

    @Test
    void outOfClusterTheStagingContextIsAllowed() {
        StagingGuard.Decision d = outOfCluster().check(weekly(), Optional.of("k1s0-staging"), 12);

        assertThat(d.allowed()).as(d.reason()).isTrue();
        assertThat(d.reason()).contains("kube context k1s0-staging is allow-listed");
    }

    @Test
    void outOfClusterAnotherContextIsRefusedWithTheAllowList() {
        StagingGuard.Decision d = outOfCluster().check(weekly(), Optional.of("k1s0-prod"), 12);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("refusing to inject: kube context k1s0-prod is not allowed; allowed contexts: k1s0-staging");
    }

    @Test
    void outOfClusterWithoutAContextIsRefused() {
        StagingGuard.Decision d = outOfCluster().check(weekly(), Optional.empty(), 1);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("no kube context is selected");
    }

    @Test
    void theServiceHostVariableMeansInCluster() {
        assertThat(inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")).inCluster()).isTrue();
        assertThat(outOfCluster().inCluster()).isFalse();
    }

    @Test
    void theServiceAccountTokenFileMeansInCluster() {
        StagingGuard guard = new StagingGuard(Map.of(), path -> path.equals(
                Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token")));

        assertThat(guard.inCluster()).isTrue();
    }

    @Test
    void inClusterAMatchingEnvironmentAndAllowedNamespacesPass() {
        StagingGuard.Decision d = inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "K1S0_ENVIRONMENT", "staging"))
                .check(weekly(), Optional.empty(), 12);

        assertThat(d.allowed()).as(d.reason()).isTrue();
        assertThat(d.reason()).contains("K1S0_ENVIRONMENT=staging matches", "target namespaces are allow-listed");
    }

    @Test
    void inClusterTheContextDoesNotCountOnlyTheEnvironmentDoes() {
        StagingGuard.Decision d = inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "K1S0_ENVIRONMENT", "dev"))
                .check(weekly(), Optional.of("k1s0-staging"), 12);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("refusing to inject: the experiment is for environment staging but this cluster is "
                + "K1S0_ENVIRONMENT=dev");
    }

    @Test
    void inClusterWithoutTheEnvironmentVariableIsRefused() {
        StagingGuard.Decision d = inCluster(Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1")).check(weekly(), Optional.empty(), 1);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("K1S0_ENVIRONMENT is not set");
    }

    @Test
    void inClusterATargetNamespaceOutsideTheAllowListIsRefused() {
        Experiment e = weeklyWith("allowedNamespaces: [k1s0-system, k1s0-business, k1s0-service]",
                "allowedNamespaces: [k1s0-service]");

        StagingGuard.Decision d = inCluster(Map.of("KUBERNETES_SERVICE_HOST", "h", "K1S0_ENVIRONMENT", "staging"))
                .check(e, Optional.empty(), 12);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("refusing to inject: target namespace(s) k1s0-system, k1s0-business are not allowed; "
                + "allowed namespaces: k1s0-service");
    }

    @Test
    void inClusterAnEmptyNamespaceAllowListIsRefused() {
        Experiment e = weeklyWith("    allowedNamespaces: [k1s0-system, k1s0-business, k1s0-service]\n", "");

        StagingGuard.Decision d = inCluster(Map.of("KUBERNETES_SERVICE_HOST", "h", "K1S0_ENVIRONMENT", "staging"))
                .check(e, Optional.empty(), 12);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("spec.safety.allowedNamespaces is empty");
    }

    @Test
    void blastRadiusAboveMaxServicesIsRefused() {
        Experiment e = weeklyWith("    allowedContexts: [k1s0-staging]", "    allowedContexts: [k1s0-staging]\n    maxServices: 1");

        StagingGuard.Decision d = outOfCluster().check(e, Optional.of("k1s0-staging"), 2);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("refusing to inject: the targets resolve to 2 services but spec.safety.maxServices is 1 "
                + "(blast radius)");
    }

    @Test
    void blastRadiusWithinMaxServicesPasses() {
        Experiment e = weeklyWith("    allowedContexts: [k1s0-staging]", "    allowedContexts: [k1s0-staging]\n    maxServices: 1");

        StagingGuard.Decision d = outOfCluster().check(e, Optional.of("k1s0-staging"), 1);

        assertThat(d.allowed()).as(d.reason()).isTrue();
        assertThat(d.reason()).contains("1 service(s) within maxServices 1");
    }

    @Test
    void aProdExperimentIsAlwaysRefused() {
        Experiment e = weeklyWith("environment: staging", "environment: prod");

        StagingGuard.Decision d = inCluster(Map.of("KUBERNETES_SERVICE_HOST", "h", "K1S0_ENVIRONMENT", "prod"))
                .check(e, Optional.empty(), 1);

        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).contains("declares environment prod");
    }
}
