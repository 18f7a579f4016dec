package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The staging guard only works if the environment name comes from the cluster, never from this repository. */
class EnvironmentSourceTest {

    private static final Set<String> ENVIRONMENT_NAMES = Set.of("dev", "development", "staging", "stg", "prod", "production");

    /** Env vars whose literal value is an environment name, and a K1S0_ENVIRONMENT not read from a ConfigMap. */
    static List<String> literalEnvironment(CronJob cronJob) {
        List<String> problems = new ArrayList<>();
        Container runner = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
        for (EnvVar env : runner.getEnv()) {
            if (env.getValue() != null && ENVIRONMENT_NAMES.contains(env.getValue().toLowerCase(Locale.ROOT))) {
                problems.add("env " + env.getName() + " is the literal environment name '" + env.getValue() + "'");
            }
        }
        EnvVar environment = runner.getEnv().stream().filter(e -> e.getName().equals("K1S0_ENVIRONMENT")).findFirst().orElse(null);
        if (environment == null || environment.getValueFrom() == null || environment.getValueFrom().getConfigMapKeyRef() == null) {
            problems.add("K1S0_ENVIRONMENT must come from the cluster's ConfigMap via configMapKeyRef, was " + environment);
        }
        return problems;
    }

    @Test
    void k1s0EnvironmentComesFromTheClustersOwnConfigMap() {
        CronJob cronJob = Manifests.single(CronJob.class);
        assertThat(literalEnvironment(cronJob)).as("literal environment problems").isEmpty();
        EnvVar environment = cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0)
                .getEnv().stream().filter(e -> e.getName().equals("K1S0_ENVIRONMENT")).findFirst().orElseThrow();
        assertThat(environment.getValueFrom().getConfigMapKeyRef().getName()).as("ConfigMap name").isEqualTo("k1s0-environment");
        assertThat(environment.getValueFrom().getConfigMapKeyRef().getKey()).as("ConfigMap key").isEqualTo("environment");
        assertThat(environment.getValueFrom().getConfigMapKeyRef().getOptional()).as("optional (must not be)").isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void theManifestsDoNotShipTheEnvironmentConfigMap() {
        assertThat(Manifests.ofType(ConfigMap.class)).as("ConfigMaps in the manifests")
                .noneSatisfy(cm -> assertThat(cm.getMetadata().getName()).isEqualTo("k1s0-environment"));
        assertThat(Manifests.kustomization().path("configMapGenerator").findValuesAsText("name"))
                .as("generated ConfigMaps").doesNotContain("k1s0-environment");
    }

    @Test
    void noManifestLineSetsAnEnvironmentNameExceptTheExperimentsDeclaration() throws IOException {
        List<String> lines;
        try (Stream<Path> files = Files.list(ProjectFiles.manifestsDir())) {
            lines = files.filter(f -> !f.getFileName().toString().equals("weekly.yaml")).flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream().map(l -> f.getFileName() + ": " + l);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).filter(l -> !l.contains("#")).toList();
        }
        assertThat(lines).as("non-comment manifest lines mentioning an environment value")
                .noneSatisfy(l -> assertThat(l).containsPattern(":\\s*\"?(staging|stg|prod|production|dev)\"?\\s*$"));
    }

    @Test
    void aLiteralEnvironmentValueIsReported() {
        CronJob copy = Manifests.copy(Manifests.single(CronJob.class), CronJob.class);
        List<EnvVar> env = copy.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        env.removeIf(e -> e.getName().equals("K1S0_ENVIRONMENT"));
        env.add(new EnvVarBuilder().withName("K1S0_ENVIRONMENT").withValue("staging").build());
        assertThat(literalEnvironment(copy)).as("problems with K1S0_ENVIRONMENT=staging as a literal")
                .containsExactly("env K1S0_ENVIRONMENT is the literal environment name 'staging'",
                        "K1S0_ENVIRONMENT must come from the cluster's ConfigMap via configMapKeyRef, was "
                                + env.get(env.size() - 1));
    }
}
