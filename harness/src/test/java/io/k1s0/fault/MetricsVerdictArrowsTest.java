package io.k1s0.fault;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package arrows of metrics and verdict (the project-wide ArchUnit test may supersede this one). */
class MetricsVerdictArrowsTest {

    private final JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.k1s0.fault.metrics", "io.k1s0.fault.verdict");

    @Test
    void metricsImportsNothingOfOurs() {
        noClasses().that().resideInAPackage("io.k1s0.fault.metrics..").should().dependOnClassesThat(
                com.tngtech.archunit.base.DescribedPredicate.describe("io.k1s0.fault classes outside metrics",
                        c -> c.getPackageName().startsWith("io.k1s0.fault") && !c.getPackageName().startsWith("io.k1s0.fault.metrics")))
                .check(classes);
    }

    @Test
    void verdictImportsOnlyMetrics() {
        noClasses().that().resideInAPackage("io.k1s0.fault.verdict..").should().dependOnClassesThat(
                com.tngtech.archunit.base.DescribedPredicate.describe("io.k1s0.fault classes outside verdict and metrics",
                        c -> c.getPackageName().startsWith("io.k1s0.fault") && !c.getPackageName().startsWith("io.k1s0.fault.verdict")
                                && !c.getPackageName().startsWith("io.k1s0.fault.metrics")))
                .check(classes);
    }
}
