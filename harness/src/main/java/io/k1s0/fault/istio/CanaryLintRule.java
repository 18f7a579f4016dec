package io.k1s0.fault.istio;

import static io.k1s0.fault.istio.LintContext.finding;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.k1s0.fault.istio.ManifestLint.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * FH011: the canary weights Flagger will really walk differ from the documented stages. Flagger adds
 * {@code stepWeight} per tick (capped at 100, not at {@code maxWeight}) and promotes once the weight
 * reaches {@code maxWeight}; {@code stepWeights} is walked as listed.
 */
final class CanaryLintRule implements LintRule {

    /** The design's stage table: canary 10 / 30 / 50 / 80 %, then promotion. */
    static final List<Integer> DOCUMENTED_STAGES = List.of(10, 30, 50, 80);

    @Override
    public void check(LintContext context, Consumer<ManifestLint.Finding> out) {
        for (LoadedManifest manifest : context.of(ManifestKind.CANARY)) {
            Object analysis = spec(manifest).get("analysis");
            if (!(analysis instanceof Map<?, ?> settings)) {
                continue;
            }
            List<Integer> actual = weights(settings);
            if (actual.isEmpty()) {
                continue;
            }
            List<Integer> expected = expected(manifest, context);
            if (!actual.equals(expected)) {
                out.accept(finding("FH011", Severity.WARNING, manifest, "spec.analysis",
                        "Flagger will shift canary traffic " + arrows(actual) + " then promote, but the documented "
                                + "stages are " + arrows(expected) + ". Fix: set analysis.stepWeights: "
                                + expected + " (and drop stepWeight/maxWeight)"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(LoadedManifest manifest) {
        Object spec = manifest.as(GenericKubernetesResource.class).getAdditionalProperties().get("spec");
        return spec instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    /** The canary weight of each analysis step, as Flagger 1.44's scheduler computes it. */
    static List<Integer> weights(Map<?, ?> analysis) {
        List<Integer> weights = new ArrayList<>();
        if (analysis.get("stepWeights") instanceof List<?> steps && !steps.isEmpty()) {
            for (Object step : steps) {
                if (!(step instanceof Number number)) {
                    return List.of(); // not numbers: the CRD schema check reports it
                }
                weights.add(Math.min(100, number.intValue()));
            }
            return weights;
        }
        if (!(analysis.get("stepWeight") instanceof Number step) || step.intValue() <= 0) {
            return weights;
        }
        int maxWeight = analysis.get("maxWeight") instanceof Number max ? max.intValue() : 100;
        int weight = 0;
        do {
            weight = Math.min(100, weight + step.intValue());
            weights.add(weight);
        } while (weight < maxWeight && weight < 100);
        return weights;
    }

    private static List<Integer> expected(LoadedManifest manifest, LintContext context) {
        String annotated = manifest.annotation(LintContext.STAGES_ANNOTATION);
        if (annotated == null || annotated.isBlank()) {
            return DOCUMENTED_STAGES;
        }
        try {
            return Arrays.stream(annotated.split(",")).map(String::trim).map(Integer::valueOf).toList();
        } catch (NumberFormatException e) {
            context.note(manifest.file() + ": " + manifest.identity() + ": annotation " + LintContext.STAGES_ANNOTATION
                    + " is '" + annotated + "', not a comma-separated list of whole numbers; using the documented "
                    + "stages " + DOCUMENTED_STAGES);
            return DOCUMENTED_STAGES;
        }
    }

    private static String arrows(List<Integer> weights) {
        return weights.stream().map(String::valueOf).collect(Collectors.joining(" -> "));
    }
}
