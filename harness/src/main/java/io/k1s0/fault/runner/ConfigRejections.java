package io.k1s0.fault.runner;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.io.PrintWriter;

/** Prints every Warning Event the local control plane writes (rejected or conflicting config) as it appears. */
final class ConfigRejections {
    private static final String CONTROL_PLANE = "local-istiod";

    private ConfigRejections() {}

    static void print(KubernetesClient client, PrintWriter out) {
        client.v1().events().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Event e) {
                if ("Warning".equals(e.getType()) && e.getSource() != null && CONTROL_PLANE.equals(e.getSource().getComponent())) {
                    out.printf("rejected %s %s/%s: %s: %s%n", e.getInvolvedObject().getKind(), e.getInvolvedObject().getNamespace(),
                            e.getInvolvedObject().getName(), e.getReason(), e.getMessage());
                    out.flush();
                }
            }

            @Override
            public void onUpdate(Event before, Event after) {
                // the control plane writes a new Event per rejection; updates carry nothing new
            }

            @Override
            public void onDelete(Event e, boolean finalStateUnknown) {
                // nothing to report
            }
        });
    }
}
