package io.k1s0.fault.istio;

import static io.k1s0.fault.istio.LintContext.finding;

import io.fabric8.istio.api.api.networking.v1alpha3.OutlierDetection;
import io.fabric8.istio.api.api.networking.v1alpha3.TrafficPolicy;
import io.k1s0.fault.istio.ManifestLint.Severity;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * FH012: {@code maxEjectionPercent} of the replica count is below one host, so outlier detection may
 * never eject a failing pod. Replicas: a Deployment named like the host in the set, else the
 * DestinationRule annotation {@value LintContext#REPLICAS_ANNOTATION}, else the CLI's {@code --replicas}.
 */
final class EjectionLintRule implements LintRule {

    /** Envoy's max_ejection_percent when an outlierDetection block leaves it unset. */
    static final int ENVOY_DEFAULT_MAX_EJECTION_PERCENT = 10;

    @Override
    public void check(LintContext context, Consumer<ManifestLint.Finding> out) {
        for (LoadedManifest manifest : context.of(ManifestKind.DESTINATION_RULE)) {
            TrafficPolicy policy = LintContext.destinationRule(manifest).getSpec().getTrafficPolicy();
            OutlierDetection outlier = policy == null ? null : policy.getOutlierDetection();
            if (outlier == null) {
                continue;
            }
            OptionalInt replicas = context.replicas(manifest);
            if (replicas.isEmpty()) {
                context.note("FH012 not evaluated for " + manifest.identity() + " (" + manifest.file()
                        + "): no replica count (add a Deployment, annotation " + LintContext.REPLICAS_ANNOTATION
                        + " or --replicas)");
                continue;
            }
            boolean unset = outlier.getMaxEjectionPercent() == null || outlier.getMaxEjectionPercent() <= 0;
            int percent = unset ? ENVOY_DEFAULT_MAX_EJECTION_PERCENT : outlier.getMaxEjectionPercent();
            int hosts = replicas.getAsInt() * percent / 100;
            if (hosts < 1) {
                int needed = (100 + replicas.getAsInt() - 1) / replicas.getAsInt();
                out.accept(finding("FH012", Severity.WARNING, manifest,
                        "spec.trafficPolicy.outlierDetection.maxEjectionPercent",
                        "maxEjectionPercent " + percent + (unset ? " (Envoy default)" : "") + " of "
                                + replicas.getAsInt() + " replicas is " + replicas.getAsInt() * percent / 100.0
                                + " hosts, less than one: a failing pod may never be ejected (recent Envoy ejects "
                                + "one host regardless; not verified for Istio 1.24's Envoy). Fix: "
                                + "maxEjectionPercent >= " + needed + " at " + replicas.getAsInt() + " replicas"));
            }
        }
    }
}
