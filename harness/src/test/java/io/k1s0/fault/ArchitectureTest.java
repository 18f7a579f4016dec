package io.k1s0.fault;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package arrows of ARCHITECTURE.md true: each package may use only the packages below it.
 * The allowed-imports table here is the executable form of that diagram.
 */
class ArchitectureTest {

    private static final String ROOT = "io.k1s0.fault";
    // Quieting a library's java.util.logging logger (setLevel) is fine; logging through it is not.
    private static final java.util.Set<String> JUL_LOG_CALLS = java.util.Set.of(
            "log", "logp", "logrb", "severe", "warning", "info", "config", "fine", "finer", "finest", "entering", "exiting", "throwing");
    private static JavaClasses classes;

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    private static ArchRule mayUseOnly(String pkg, String... allowed) {
        String[] forbidden = java.util.stream.Stream.of(
                        "api", "junit", "runner", "experiment", "environment", "istio", "traffic",
                        "metrics", "verdict", "report", "localmesh")
                .filter(p -> !p.equals(pkg))
                .filter(p -> !java.util.Arrays.asList(allowed).contains(p))
                .map(p -> ROOT + "." + p + "..")
                .toArray(String[]::new);
        return noClasses()
                .that().resideInAPackage(ROOT + "." + pkg + "..")
                .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                .as("package " + pkg + " may use only " + String.join(", ", allowed.length == 0 ? new String[] {"nothing of ours"} : allowed))
                .allowEmptyShould(true);
    }

    @Test
    void localMeshKnowsNothingOfTheHarness() {
        mayUseOnly("localmesh").check(classes);
    }

    @Test
    void istioTrafficAndMetricsStandAlone() {
        mayUseOnly("istio").check(classes);
        mayUseOnly("traffic").check(classes);
        mayUseOnly("metrics").check(classes);
    }

    @Test
    void verdictKnowsNothingOfWhereNumbersCameFrom() {
        mayUseOnly("verdict", "metrics").check(classes);
    }

    @Test
    void reportUsesOnlyResultsAndVerdicts() {
        mayUseOnly("report", "verdict", "metrics").check(classes);
    }

    @Test
    void experimentUsesOnlyIstioAndVerdict() {
        mayUseOnly("experiment", "istio", "verdict", "metrics").check(classes);
    }

    @Test
    void environmentSitsAboveTheMeshAndItsObservers() {
        mayUseOnly("environment", "localmesh", "istio", "metrics", "traffic").check(classes);
    }

    @Test
    void nothingBelowTheEntryPointsReachesUpToJUnitOrTheRunner() {
        noClasses().that().resideOutsideOfPackages(ROOT + ".junit..", ROOT + ".runner..", ROOT + ".api..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".junit..", ROOT + ".runner..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void packagesAreFreeOfCycles() {
        // api <-> junit is the one allowed pair: the composed annotation names its extension.
        slices().matching(ROOT + ".(*)..")
                .should().beFreeOfCycles()
                .ignoreDependency(com.tngtech.archunit.base.DescribedPredicate.describe(
                                "in api", (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith(ROOT + ".api")),
                        com.tngtech.archunit.base.DescribedPredicate.describe(
                                "in junit", (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName().startsWith(ROOT + ".junit")))
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void libraryCodeLogsThroughSlf4jNotTheConsole() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".runner..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().callMethodWhere(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "a java.util.logging log call",
                        (com.tngtech.archunit.core.domain.JavaMethodCall call) ->
                                call.getTargetOwner().isEquivalentTo(java.util.logging.Logger.class)
                                        && JUL_LOG_CALLS.contains(call.getName())))
                .allowEmptyShould(true)
                .check(classes);
    }
}
