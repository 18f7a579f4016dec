package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PodSecurityRestrictedTest {

    private static PodSpec runnerPod() {
        return Manifests.single(CronJob.class).getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    }

    private static List<String> violationsAfter(Consumer<PodSpec> breakIt) {
        PodSpec copy = Manifests.copy(runnerPod(), PodSpec.class);
        breakIt.accept(copy);
        return RestrictedPodSecurity.violations(copy);
    }

    private static SecurityContext runnerContext(PodSpec pod) {
        return pod.getContainers().get(0).getSecurityContext();
    }

    @Test
    void theRunnerPodMeetsTheRestrictedProfile() {
        assertThat(RestrictedPodSecurity.violations(runnerPod())).as("restricted-profile violations of the runner pod").isEmpty();
    }

    @Test
    void theRunnerRunsAsUid65532() {
        PodSpec pod = runnerPod();
        assertThat(pod.getSecurityContext().getRunAsUser()).as("pod runAsUser").isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("pod runAsNonRoot").isTrue();
        assertThat(runnerContext(pod).getRunAsUser()).as("container runAsUser").isEqualTo(65532L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as("pod seccomp").isEqualTo("RuntimeDefault");
    }

    @Test
    void privilegeEscalationIsReported() {
        assertThat(violationsAfter(pod -> runnerContext(pod).setAllowPrivilegeEscalation(true)))
                .as("violations with allowPrivilegeEscalation: true")
                .containsExactly("container fault-runner must set allowPrivilegeEscalation: false, was true");
    }

    @Test
    void rootIsReported() {
        assertThat(violationsAfter(pod -> {
            pod.getSecurityContext().setRunAsNonRoot(null);
            pod.getSecurityContext().setRunAsUser(0L);
            runnerContext(pod).setRunAsNonRoot(null);
            runnerContext(pod).setRunAsUser(null);
        })).as("violations when running as root")
                .contains("pod securityContext.runAsUser is 0 (root)",
                        "container fault-runner must run with runAsNonRoot: true (container or pod), was null",
                        "container fault-runner needs a non-zero runAsUser (container or pod), was 0");
    }

    @Test
    void keptCapabilitiesAreReported() {
        assertThat(violationsAfter(pod -> {
            runnerContext(pod).getCapabilities().setDrop(List.of("NET_RAW"));
            runnerContext(pod).getCapabilities().setAdd(List.of("NET_ADMIN"));
        })).as("violations when ALL is not dropped and NET_ADMIN is added")
                .containsExactly("container fault-runner must drop ALL capabilities, drops [NET_RAW]",
                        "container fault-runner adds capabilities [NET_ADMIN]; only NET_BIND_SERVICE is allowed");
    }

    @Test
    void anUnconfinedSeccompProfileIsReported() {
        assertThat(violationsAfter(pod -> {
            pod.getSecurityContext().setSeccompProfile(null);
            runnerContext(pod).setSeccompProfile(new SeccompProfile(null, "Unconfined"));
        })).as("violations with seccomp Unconfined")
                .containsExactly("container fault-runner seccompProfile.type must be RuntimeDefault or Localhost, was Unconfined");
    }

    @Test
    void aWritableRootFilesystemIsReported() {
        assertThat(violationsAfter(pod -> runnerContext(pod).setReadOnlyRootFilesystem(false)))
                .as("violations with a writable root filesystem")
                .containsExactly("container fault-runner must set readOnlyRootFilesystem: true (project rule), was false");
    }

    @Test
    void hostPathAndHostNetworkAreReported() {
        assertThat(violationsAfter(pod -> {
            pod.setHostNetwork(true);
            pod.getVolumes().add(new VolumeBuilder().withName("host").withNewHostPath().withPath("/var/run").endHostPath().build());
        })).as("violations with hostNetwork and a hostPath volume")
                .hasSize(2)
                .anySatisfy(v -> assertThat(v).startsWith("pod shares a host namespace"))
                .anySatisfy(v -> assertThat(v).startsWith("volume host has type hostPath"));
    }

    @Test
    void privilegedIsReported() {
        assertThat(violationsAfter(pod -> runnerContext(pod).setPrivileged(true)))
                .as("violations for a privileged container").containsExactly("container fault-runner is privileged");
    }
}
