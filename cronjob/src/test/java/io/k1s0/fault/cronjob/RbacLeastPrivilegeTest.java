package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class RbacLeastPrivilegeTest {

    private static final String RUNNER = "fault-injection-runner";
    private static final String JOB_NAMESPACE = "k1s0-service";

    /** One (apiGroup, resource, verb) the runner is allowed, written "group/resource:verb". */
    private static final Set<String> RUNNER_GRANTS = grants(
            "networking.istio.io/virtualservices:get,list,watch,create,update,patch,delete",
            "networking.istio.io/destinationrules:get,list,watch",
            "/services:get,list,watch", "/pods:get,list,watch", "/endpoints:get,list,watch",
            "/events:create");
    private static final Set<String> JOB_OWNER_GRANT = grants("batch/jobs:get");

    private static Set<String> grants(String... specs) {
        Set<String> out = new TreeSet<>();
        for (String spec : specs) {
            String[] parts = spec.split(":");
            for (String verb : parts[1].split(",")) {
                out.add(parts[0] + ":" + verb);
            }
        }
        return out;
    }

    static Set<String> grantsOf(List<PolicyRule> rules) {
        Set<String> out = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        out.add(group + "/" + resource + ":" + verb);
                    }
                }
            }
        }
        return out;
    }

    private static Role roleIn(String namespace) {
        return Manifests.ofType(Role.class).stream().filter(r -> namespace.equals(r.getMetadata().getNamespace())).findFirst()
                .orElseThrow(() -> new AssertionError("no Role in " + namespace));
    }

    /** Wildcards, nonResourceURLs and any grant the runner does not use. */
    static List<String> excess(Role role, Set<String> allowed) {
        List<String> problems = new ArrayList<>();
        String where = "Role " + role.getMetadata().getNamespace() + "/" + role.getMetadata().getName();
        for (PolicyRule rule : role.getRules()) {
            if (rule.getVerbs().contains("*") || rule.getResources().contains("*") || rule.getApiGroups().contains("*")
                    || rule.getResources().stream().anyMatch(r -> r.endsWith("/*"))) {
                problems.add(where + " has a wildcard rule " + rule.getApiGroups() + " " + rule.getResources() + " " + rule.getVerbs());
            }
            if (!rule.getNonResourceURLs().isEmpty()) {
                problems.add(where + " grants nonResourceURLs " + rule.getNonResourceURLs());
            }
        }
        Set<String> extra = new TreeSet<>(grantsOf(role.getRules()));
        extra.removeAll(allowed);
        if (!extra.isEmpty()) {
            problems.add(where + " grants what the runner does not use: " + extra);
        }
        return problems;
    }

    private static Set<String> targetNamespaces() {
        JsonNode experiment = Json.readYaml(ProjectFiles.manifestsDir().resolve("weekly.yaml"));
        Set<String> namespaces = new TreeSet<>();
        for (JsonNode target : experiment.path("spec").path("targets")) {
            target.path("namespaces").forEach(ns -> namespaces.add(ns.asText()));
        }
        return namespaces;
    }

    @Test
    void thereIsOneRoleAndBindingPerTargetNamespaceAndNothingClusterWide() {
        assertThat(Manifests.ofType(Role.class)).as("namespaces with a runner Role")
                .extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrderElementsOf(targetNamespaces());
        assertThat(Manifests.ofType(RoleBinding.class)).as("namespaces with a runner RoleBinding")
                .extracting(r -> r.getMetadata().getNamespace()).containsExactlyInAnyOrderElementsOf(targetNamespaces());
        assertThat(Manifests.resources()).as("kinds in the manifests (no ClusterRole/ClusterRoleBinding)")
                .extracting(HasMetadata::getKind).doesNotContain("ClusterRole", "ClusterRoleBinding");
    }

    @Test
    void everyRoleGrantsExactlyWhatTheRunnerUses() {
        for (Role role : Manifests.ofType(Role.class)) {
            boolean jobNamespace = JOB_NAMESPACE.equals(role.getMetadata().getNamespace());
            Set<String> expected = new TreeSet<>(RUNNER_GRANTS);
            if (jobNamespace) {
                expected.addAll(JOB_OWNER_GRANT);
            }
            assertThat(excess(role, expected)).as("excess grants of %s", role.getMetadata().getNamespace()).isEmpty();
            assertThat(grantsOf(role.getRules())).as("grants of the Role in %s", role.getMetadata().getNamespace())
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void bindingsGiveTheRoleToTheRunnerServiceAccountOnly() {
        ServiceAccount account = Manifests.single(ServiceAccount.class);
        assertThat(account.getMetadata().getName()).as("ServiceAccount name").isEqualTo(RUNNER);
        assertThat(account.getMetadata().getNamespace()).as("ServiceAccount namespace").isEqualTo(JOB_NAMESPACE);
        for (RoleBinding binding : Manifests.ofType(RoleBinding.class)) {
            assertThat(binding.getRoleRef().getKind()).as("roleRef kind in %s", binding.getMetadata().getNamespace()).isEqualTo("Role");
            assertThat(binding.getRoleRef().getName()).as("roleRef name").isEqualTo(RUNNER);
            assertThat(binding.getSubjects()).as("subjects in %s", binding.getMetadata().getNamespace()).singleElement()
                    .satisfies(s -> {
                        assertThat(s.getKind()).isEqualTo("ServiceAccount");
                        assertThat(s.getName()).isEqualTo(RUNNER);
                        assertThat(s.getNamespace()).isEqualTo(JOB_NAMESPACE);
                    });
        }
        assertThat(Manifests.resources().stream().filter(o -> !(o instanceof Role) && !(o instanceof RoleBinding)
                && !(o instanceof ServiceAccount)).map(HasMetadata::getKind).collect(Collectors.toList()))
                .as("other objects in the manifests").containsExactly("CronJob");
    }

    @Test
    void aWildcardVerbIsReported() {
        Role role = Manifests.copy(roleIn("k1s0-system"), Role.class);
        role.getRules().get(0).setVerbs(List.of("*"));
        assertThat(excess(role, RUNNER_GRANTS)).as("problems of a Role with verbs [*]")
                .anySatisfy(p -> assertThat(p).contains("wildcard rule"));
    }

    @Test
    void anUnusedGrantIsReported() {
        Role role = Manifests.copy(roleIn("k1s0-business"), Role.class);
        role.getRules().add(new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("get").build());
        assertThat(excess(role, RUNNER_GRANTS)).as("problems of a Role that can read Secrets")
                .singleElement(InstanceOfAssertFactories.STRING).endsWith("does not use: [/secrets:get]");
    }

    @Test
    void jobsAreReadableOnlyWhereTheJobRuns() {
        for (Role role : Manifests.ofType(Role.class)) {
            boolean canReadJobs = grantsOf(role.getRules()).contains("batch/jobs:get");
            assertThat(canReadJobs).as("batch/jobs:get in %s", role.getMetadata().getNamespace())
                    .isEqualTo(JOB_NAMESPACE.equals(role.getMetadata().getNamespace()));
        }
    }
}
