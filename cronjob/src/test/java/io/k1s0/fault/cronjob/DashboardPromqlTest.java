package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardPromqlTest {

    private static JsonNode dashboard;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readDashboard() {
        dashboard = Json.readJson(ProjectFiles.dashboardJson());
    }

    /** Every query as a recording rule in one rule group, the form `promtool check rules` parses. */
    private static String ruleFile(List<DashboardQueries.PanelQuery> queries) {
        ObjectNode root = Json.YAML.createObjectNode();
        ObjectNode group = root.putArray("groups").addObject().put("name", "fault-injection-results-dashboard");
        ArrayNode rules = group.putArray("rules");
        for (DashboardQueries.PanelQuery query : queries) {
            rules.addObject().put("record", "dashboard:panel_" + query.panelId() + ":" + query.refId())
                    .put("expr", query.expr());
        }
        return root.toPrettyString();
    }

    @Test
    void macrosAndVariablesAreSubstitutedInEveryQuery() {
        List<DashboardQueries.PanelQuery> queries = DashboardQueries.substituted(dashboard);
        assertThat(queries).as("queries of the dashboard (panels and annotations)").hasSizeGreaterThanOrEqualTo(20);
        assertThat(queries).as("substituted queries").allSatisfy(q -> assertThat(q.expr()).doesNotContain("$").doesNotContain("[["));
        assertThat(queries).as("the rate window becomes 1m")
                .anySatisfy(q -> assertThat(q.expr()).contains("[1m]"));
    }

    @Test
    void givenVariableValuesAreUsed() {
        List<DashboardQueries.PanelQuery> queries =
                DashboardQueries.substituted(dashboard, Map.of("namespace", "k1s0-service", "service", "order-server"));
        assertThat(queries).as("error-rate query of panel 5 with namespace and service set")
                .filteredOn(q -> q.panelId() == 5 && q.refId().equals("A")).singleElement()
                .satisfies(q -> assertThat(q.expr())
                        .contains("destination_service_namespace=~\"k1s0-service\"")
                        .contains("destination_service_name=~\"order-server\""));
    }

    @Test
    void anUnknownVariableIsAnErrorNamingPanelAndVariable() {
        ObjectNode copy = dashboard.deepCopy();
        ObjectNode target = (ObjectNode) DashboardQueries.panels(copy).get(4).path("targets").get(0);
        target.put("expr", "sum(rate(istio_requests_total{cluster=\"$cluster\"}[$__rate_interval]))");
        assertThatThrownBy(() -> DashboardQueries.substituted(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("panel 5").hasMessageContaining("'$cluster'");
    }

    @Test
    void everyQueryIsValidPromqlForPromtool() throws Exception {
        Path promtool = Promtool.requireOrSkip();
        List<DashboardQueries.PanelQuery> queries = DashboardQueries.substituted(dashboard);
        Path rules = Files.writeString(tmp.resolve("dashboard-rules.yml"), ruleFile(queries));
        Processes.Result result = Promtool.run(promtool, "check", "rules", rules.toString());
        assertThat(result.exitCode()).as("promtool check rules exit code; output:%n%s", result.output()).isZero();
        assertThat(result.output()).as("promtool output").contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void promtoolRejectsABrokenQuery() throws Exception {
        Path promtool = Promtool.requireOrSkip();
        List<DashboardQueries.PanelQuery> broken = List.of(new DashboardQueries.PanelQuery(99, "broken", "A",
                "sum(rate(istio_requests_total{reporter=\"source\"}[1m])"));
        Path rules = Files.writeString(tmp.resolve("broken-rules.yml"), ruleFile(broken));
        Processes.Result result = Promtool.run(promtool, "check", "rules", rules.toString());
        assertThat(result.exitCode()).as("promtool exit code for an unbalanced parenthesis; output:%n%s", result.output())
                .isNotZero();
    }
}
