package io.k1s0.fault.istio;

import java.util.List;
import java.util.function.Consumer;

/** A group of FH lint rules over the whole manifest set. */
interface LintRule {

    /** Every rule group, in the order findings are produced (they are sorted afterwards). */
    List<LintRule> ALL = List.of(new HostLintRules(), new RouteLintRules(), new CanaryLintRule(),
            new EjectionLintRule());

    void check(LintContext context, Consumer<ManifestLint.Finding> out);
}
