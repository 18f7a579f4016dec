package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Function;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DashboardLintTest {

    private static JsonNode dashboard;

    @BeforeAll
    static void readDashboard() {
        dashboard = Json.readJson(ProjectFiles.dashboardJson());
    }

    private static ObjectNode brokenCopy() {
        return dashboard.deepCopy();
    }

    private static ObjectNode panel(ObjectNode copy, int id) {
        for (JsonNode panel : DashboardQueries.panels(copy)) {
            if (panel.path("id").asInt() == id) {
                return (ObjectNode) panel;
            }
        }
        throw new IllegalArgumentException("no panel " + id);
    }

    private static ObjectNode firstTarget(ObjectNode copy, int panelId) {
        return (ObjectNode) panel(copy, panelId).path("targets").get(0);
    }

    private static void assertHolds(Function<JsonNode, List<String>> rule, String name) {
        assertThat(rule.apply(dashboard)).as("lint rule '%s' on the committed dashboard", name).isEmpty();
    }

    @Test
    void everyDatasourceIsTheTemplatedPrometheus() {
        assertHolds(DashboardLint::templatedDatasources, "templated datasource");
    }

    @Test
    void aHardCodedPanelDatasourceIsReported() {
        ObjectNode copy = brokenCopy();
        panel(copy, 5).putObject("datasource").put("type", "prometheus").put("uid", "prometheus");
        assertThat(DashboardLint.templatedDatasources(copy))
                .as("violations for panel 5 pointing at uid 'prometheus'")
                .singleElement(InstanceOfAssertFactories.STRING).contains("panel 5").contains("${DS_PROMETHEUS}").contains("\"uid\":\"prometheus\"");
    }

    @Test
    void aTargetWithoutDatasourceIsReported() {
        ObjectNode copy = brokenCopy();
        firstTarget(copy, 6).remove("datasource");
        assertThat(DashboardLint.templatedDatasources(copy))
                .as("violations for panel 6 target A without datasource")
                .singleElement(InstanceOfAssertFactories.STRING).contains("panel 6").contains("target A").contains("missing");
    }

    @Test
    void aPrometheusAnnotationOnAFixedDatasourceIsReported() {
        ObjectNode copy = brokenCopy();
        for (JsonNode annotation : copy.path("annotations").path("list")) {
            if (annotation.has("expr")) {
                ((ObjectNode) annotation).putObject("datasource").put("type", "prometheus").put("uid", "abc");
            }
        }
        assertThat(DashboardLint.templatedDatasources(copy))
                .as("violations for the Prometheus annotation on uid abc")
                .singleElement(InstanceOfAssertFactories.STRING).contains("annotation 'Fault active (runner gauge)'");
    }

    @Test
    void theDatasourceVariableExistsAndNoImportInputsAreUsed() {
        assertHolds(DashboardLint::datasourceVariable, "DS_PROMETHEUS variable");
    }

    @Test
    void aMissingDatasourceVariableIsReported() {
        ObjectNode copy = brokenCopy();
        ((ArrayNode) copy.path("templating").path("list")).remove(0);
        assertThat(DashboardLint.datasourceVariable(copy))
                .as("violations without the DS_PROMETHEUS variable")
                .singleElement(InstanceOfAssertFactories.STRING).contains("no datasource variable named DS_PROMETHEUS");
    }

    @Test
    void importInputsAreReported() {
        ObjectNode copy = brokenCopy();
        copy.putArray("__inputs").addObject().put("name", "DS_PROMETHEUS");
        assertThat(DashboardLint.datasourceVariable(copy))
                .as("violations with an __inputs block")
                .singleElement(InstanceOfAssertFactories.STRING).startsWith("__inputs");
    }

    @Test
    void everyRangeSelectorIsTheRateInterval() {
        assertHolds(DashboardLint::rateInterval, "$__rate_interval");
    }

    @Test
    void aFixedRateWindowIsReported() {
        ObjectNode copy = brokenCopy();
        ObjectNode target = firstTarget(copy, 9);
        target.put("expr", target.get("expr").asText().replace("[$__rate_interval]", "[5m]"));
        assertThat(DashboardLint.rateInterval(copy))
                .as("violations for panel 9 with rate(...[5m])")
                .singleElement(InstanceOfAssertFactories.STRING).contains("panel 9").contains("[5m]");
    }

    @Test
    void bracketsInsideLabelRegexesAreNotMistakenForRanges() {
        assertThat(DashboardQueries.raw(dashboard))
                .as("the committed dashboard really has '[|]' inside label regexes, so the rule must skip strings")
                .anySatisfy(query -> assertThat(query.expr()).contains("[|]"));
    }

    @Test
    void everyPanelHasTitleDescriptionAndUnit() {
        assertHolds(DashboardLint::titlesDescriptionsUnits, "titles, descriptions, units");
    }

    @Test
    void aPanelWithoutUnitDescriptionOrTitleIsReported() {
        ObjectNode copy = brokenCopy();
        ((ObjectNode) panel(copy, 7).path("fieldConfig").path("defaults")).remove("unit");
        panel(copy, 8).put("description", " ");
        panel(copy, 10).put("title", "");
        assertThat(DashboardLint.titlesDescriptionsUnits(copy))
                .as("violations for the three broken panels")
                .containsExactlyInAnyOrder(
                        "panel 7 'Outlier ejections enforced' has no unit (fieldConfig.defaults.unit)",
                        "panel 8 'Outlier ejections active' has no description",
                        "panel 10 '' has no title");
    }

    @Test
    void panelIdsAreUnique() {
        assertHolds(DashboardLint::uniquePanelIds, "unique panel ids");
    }

    @Test
    void aDuplicatePanelIdIsReported() {
        ObjectNode copy = brokenCopy();
        panel(copy, 12).put("id", 11);
        assertThat(DashboardLint.uniquePanelIds(copy))
                .as("violations with two panels of id 11")
                .singleElement(InstanceOfAssertFactories.STRING).contains("reuses id 11");
    }

    @Test
    void noQuerySelectsAJobOrInstanceExceptThePushgatewayGroup() {
        assertHolds(DashboardLint::noHardCodedJobOrInstance, "no hard-coded job/instance");
        assertThat(DashboardQueries.raw(dashboard))
                .as("the Pushgateway job selector the rule allows is really used")
                .anySatisfy(query -> assertThat(query.expr()).contains("job=\"fault-injection-weekly\""));
    }

    @Test
    void aHardCodedInstanceOrOtherJobIsReported() {
        ObjectNode copy = brokenCopy();
        ObjectNode target = firstTarget(copy, 8);
        target.put("expr", target.get("expr").asText().replace("{", "{instance=\"10.0.0.1:15090\", "));
        ObjectNode other = firstTarget(copy, 6);
        other.put("expr", "max(fault_injection_client_latency_p99_milliseconds{job=~\"fault-.*\"})");
        assertThat(DashboardLint.noHardCodedJobOrInstance(copy))
                .as("violations for an instance selector and a regex job selector")
                .hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("panel 8").contains("instance=\"10.0.0.1:15090\""))
                .anySatisfy(v -> assertThat(v).contains("panel 6").contains("job=~\"fault-.*\""));
    }

    @Test
    void schemaVersionAndUidArePinned() {
        assertHolds(DashboardLint::pinnedSchemaVersionAndUid, "pinned schemaVersion and uid");
    }

    @Test
    void aChangedSchemaVersionOrUidIsReported() {
        ObjectNode copy = brokenCopy();
        copy.put("schemaVersion", "39");
        copy.put("uid", "k1s0-fault-injection-results");
        assertThat(DashboardLint.pinnedSchemaVersionAndUid(copy))
                .as("violations for a string schemaVersion and a renamed uid")
                .containsExactly(
                        "schemaVersion must be the number 39, was \"39\"",
                        "uid must be 'fault-injection-results', was \"k1s0-fault-injection-results\"");
    }
}
