package io.k1s0.fault.experiment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether an experiment may inject faults into the cluster the runner is pointed at. k1s0 namespaces have
 * the same names in every environment and no environment label, so the cluster must be positively identified:
 * out of cluster by an allow-listed kube context, in cluster by {@code K1S0_ENVIRONMENT} equal to the experiment's
 * environment plus allow-listed target namespaces. Pure: it never talks to the cluster, so {@code --dry-run} can
 * use it too.
 */
public final class StagingGuard {

    /** Set by the cluster's own per-environment configuration, never by the CronJob. */
    public static final String ENVIRONMENT_VARIABLE = "K1S0_ENVIRONMENT";
    static final String SERVICE_HOST_VARIABLE = "KUBERNETES_SERVICE_HOST";
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    /** Whether the run may go ahead, and why (printed by the runner either way). */
    public record Decision(boolean allowed, String reason) { }

    private final Map<String, String> environment;
    private final Predicate<Path> fileExists;

    public StagingGuard() {
        this(System.getenv(), Files::exists);
    }

    StagingGuard(Map<String, String> environment, Predicate<Path> fileExists) {
        this.environment = Map.copyOf(environment);
        this.fileExists = fileExists;
    }

    public boolean inCluster() {
        String host = environment.get(SERVICE_HOST_VARIABLE);
        return host != null && !host.isBlank() || fileExists.test(SERVICE_ACCOUNT_TOKEN);
    }

    /**
     * @param kubeContext the current kube context when out of cluster (empty when none is selected)
     * @param serviceCount how many Services the targets resolve to (the blast radius)
     */
    public Decision check(Experiment experiment, Optional<String> kubeContext, int serviceCount) {
        Experiment.Safety safety = experiment.spec().safety();
        Experiment.Environment declared = experiment.spec().environment();
        if (declared == Experiment.Environment.PROD) {
            return refuse("the experiment declares environment prod; fault injection runs in staging (or dev) only");
        }
        List<String> reasons = new ArrayList<>();
        if (inCluster()) {
            String actual = environment.get(ENVIRONMENT_VARIABLE);
            if (actual == null || actual.isBlank()) {
                return refuse("running in cluster but " + ENVIRONMENT_VARIABLE
                        + " is not set, so the cluster cannot be identified; set it from the cluster's own configuration");
            }
            if (declared == null || !declared.yamlName().equals(actual.trim())) {
                return refuse("the experiment is for environment " + (declared == null ? "(none)" : declared.yamlName())
                        + " but this cluster is " + ENVIRONMENT_VARIABLE + "=" + actual.trim());
            }
            if (safety.allowedNamespaces().isEmpty()) {
                return refuse("running in cluster and spec.safety.allowedNamespaces is empty; list the namespaces faults may go into");
            }
            reasons.add("in cluster, " + ENVIRONMENT_VARIABLE + "=" + actual.trim() + " matches the experiment");
        } else {
            if (kubeContext.isEmpty() || kubeContext.get().isBlank()) {
                return refuse("no kube context is selected; allowed contexts: " + String.join(", ", safety.allowedContexts()));
            }
            if (!safety.allowedContexts().contains(kubeContext.get())) {
                return refuse("kube context " + kubeContext.get() + " is not allowed; allowed contexts: "
                        + String.join(", ", safety.allowedContexts()));
            }
            reasons.add("kube context " + kubeContext.get() + " is allow-listed");
        }
        if (!safety.allowedNamespaces().isEmpty()) {
            Set<String> outside = new LinkedHashSet<>(targetNamespaces(experiment));
            outside.removeAll(safety.allowedNamespaces());
            if (!outside.isEmpty()) {
                return refuse("target namespace(s) " + String.join(", ", outside) + " are not allowed; allowed namespaces: "
                        + String.join(", ", safety.allowedNamespaces()));
            }
            reasons.add("target namespaces are allow-listed");
        }
        Optional<Integer> max = safety.maxServicesLimit();
        if (max.isPresent() && serviceCount > max.get()) {
            return refuse("the targets resolve to " + serviceCount + " services but spec.safety.maxServices is " + max.get()
                    + " (blast radius)");
        }
        max.ifPresent(m -> reasons.add(serviceCount + " service(s) within maxServices " + m));
        return new Decision(true, String.join("; ", reasons));
    }

    static Set<String> targetNamespaces(Experiment experiment) {
        Set<String> namespaces = new LinkedHashSet<>();
        for (Experiment.Target t : experiment.spec().targets()) {
            if (t.isHost()) {
                namespaces.add(t.namespace());
            } else {
                namespaces.addAll(t.namespaces());
            }
        }
        return namespaces;
    }

    private static Decision refuse(String reason) {
        return new Decision(false, "refusing to inject: " + reason);
    }
}
