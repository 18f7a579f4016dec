package io.k1s0.fault.experiment;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the experiment's targets into concrete Services by asking the cluster (read-only): a host target must
 * name an existing Service ("unknown host" otherwise), a namespaces target expands to every Service in them.
 */
public final class TargetResolver {

    /** One Service a fault will be installed on. */
    public record ResolvedTarget(String service, String namespace) { }

    private final KubernetesClient client;

    public TargetResolver(KubernetesClient client) {
        this.client = client;
    }

    /** @throws ExperimentException naming every unknown host or empty namespace */
    public List<ResolvedTarget> resolve(Experiment experiment, String source) {
        Set<ResolvedTarget> resolved = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        List<Experiment.Target> targets = experiment.spec().targets();
        for (int i = 0; i < targets.size(); i++) {
            Experiment.Target t = targets.get(i);
            FieldPath at = FieldPath.of("spec", "targets").index(i);
            if (t.isHost()) {
                if (client.services().inNamespace(t.namespace()).withName(t.host()).get() == null) {
                    List<String> known = names(t.namespace());
                    problems.add(source + ": " + at.field("host") + ": unknown host \"" + t.host() + "\" in namespace "
                            + t.namespace() + "; " + Values.didYouMean(t.host(), known) + "allowed: "
                            + (known.isEmpty() ? "(no Services in " + t.namespace() + ")" : String.join(", ", known)));
                } else {
                    resolved.add(new ResolvedTarget(t.host(), t.namespace()));
                }
            } else {
                for (String ns : t.namespaces()) {
                    List<String> names = names(ns);
                    if (names.isEmpty()) {
                        problems.add(source + ": " + at.field("namespaces") + ": namespace " + ns
                                + " has no Services; allowed: namespaces that contain Services");
                    }
                    names.forEach(n -> resolved.add(new ResolvedTarget(n, ns)));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ExperimentException(problems);
        }
        return List.copyOf(resolved);
    }

    private List<String> names(String namespace) {
        return client.services().inNamespace(namespace).list().getItems().stream()
                .map(Service::getMetadata).map(m -> m.getName()).sorted().toList();
    }
}
