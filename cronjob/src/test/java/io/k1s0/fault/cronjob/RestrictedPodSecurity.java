package io.k1s0.fault.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Kubernetes Pod Security Standard "restricted" (the level k1s0 namespaces enforce), checked on a pod spec,
 * plus this project's extra rule: a read-only root filesystem.
 */
final class RestrictedPodSecurity {

    /** Volume types the restricted profile allows. */
    private static final Set<String> ALLOWED_VOLUMES =
            Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");

    private RestrictedPodSecurity() {
    }

    static List<String> violations(PodSpec pod) {
        List<String> violations = new ArrayList<>();
        PodSecurityContext podContext = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
        if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC())) {
            violations.add("pod shares a host namespace (hostNetwork/hostPID/hostIPC)");
        }
        if (Long.valueOf(0).equals(podContext.getRunAsUser())) {
            violations.add("pod securityContext.runAsUser is 0 (root)");
        }
        for (Volume volume : pod.getVolumes()) {
            String type = volumeType(volume);
            if (!ALLOWED_VOLUMES.contains(type)) {
                violations.add("volume " + volume.getName() + " has type " + type + "; allowed: " + ALLOWED_VOLUMES);
            }
        }
        Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
                .forEach(container -> containerViolations(container, podContext, violations));
        return violations;
    }

    private static void containerViolations(Container container, PodSecurityContext pod, List<String> violations) {
        String name = "container " + container.getName();
        SecurityContext context = container.getSecurityContext() == null ? new SecurityContext() : container.getSecurityContext();
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            violations.add(name + " is privileged");
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            violations.add(name + " must set allowPrivilegeEscalation: false, was " + context.getAllowPrivilegeEscalation());
        }
        Boolean runAsNonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : pod.getRunAsNonRoot();
        if (!Boolean.TRUE.equals(runAsNonRoot)) {
            violations.add(name + " must run with runAsNonRoot: true (container or pod), was " + runAsNonRoot);
        }
        Long user = context.getRunAsUser() != null ? context.getRunAsUser() : pod.getRunAsUser();
        if (user == null || user == 0) {
            violations.add(name + " needs a non-zero runAsUser (container or pod), was " + user);
        }
        SeccompProfile seccomp = context.getSeccompProfile() != null ? context.getSeccompProfile() : pod.getSeccompProfile();
        String seccompType = seccomp == null ? null : seccomp.getType();
        if (!"RuntimeDefault".equals(seccompType) && !"Localhost".equals(seccompType)) {
            violations.add(name + " seccompProfile.type must be RuntimeDefault or Localhost, was " + seccompType);
        }
        Capabilities capabilities = context.getCapabilities();
        if (capabilities == null || !capabilities.getDrop().contains("ALL")) {
            violations.add(name + " must drop ALL capabilities, drops " + (capabilities == null ? "none" : capabilities.getDrop()));
        }
        if (capabilities != null && capabilities.getAdd().stream().anyMatch(c -> !"NET_BIND_SERVICE".equals(c))) {
            violations.add(name + " adds capabilities " + capabilities.getAdd() + "; only NET_BIND_SERVICE is allowed");
        }
        if (container.getPorts().stream().anyMatch(port -> port.getHostPort() != null && port.getHostPort() != 0)) {
            violations.add(name + " uses a hostPort");
        }
        if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            violations.add(name + " must set readOnlyRootFilesystem: true (project rule), was " + context.getReadOnlyRootFilesystem());
        }
    }

    private static String volumeType(Volume volume) {
        JsonNode tree = Json.JSON.valueToTree(volume);
        return tree.properties().stream().map(Map.Entry::getKey).filter(key -> !key.equals("name")).findFirst()
                .orElse("<none>");
    }
}
