package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DashboardSchemaTest {

    private static JsonSchema schema;
    private static JsonNode dashboard;

    @BeforeAll
    static void readSchemaAndDashboard() {
        JsonNode schemaNode = Json.readJson(ProjectFiles.dashboardSchema());
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaNode);
        dashboard = Json.readJson(ProjectFiles.dashboardJson());
    }

    @Test
    void theSchemaIsTheOneGeneratedFromGrafanaSchema() {
        JsonNode schemaNode = Json.readJson(ProjectFiles.dashboardSchema());
        assertThat(schemaNode.path("$ref").asText()).as("root of the generated schema").isEqualTo("#/definitions/Dashboard");
        assertThat(schemaNode.path("definitions").path("Dashboard").path("required").toString())
                .as("Dashboard.required of @grafana/schema").isEqualTo("[\"schemaVersion\"]");
        assertThat(schemaNode.path("definitions").size()).as("number of generated definitions").isGreaterThan(30);
    }

    @Test
    void theDashboardMatchesGrafanasDashboardModel() {
        assertThat(schema.validate(dashboard)).as("schema violations of fault-injection-results.json").isEmpty();
    }

    @Test
    void aStringSchemaVersionIsRejected() {
        ObjectNode copy = dashboard.deepCopy();
        copy.put("schemaVersion", "39");
        Set<ValidationMessage> messages = schema.validate(copy);
        assertThat(messages).as("schema violations for schemaVersion \"39\"")
                .anySatisfy(m -> assertThat(m.getInstanceLocation().toString()).contains("schemaVersion"));
    }

    @Test
    void aMissingSchemaVersionIsRejected() {
        ObjectNode copy = dashboard.deepCopy();
        copy.remove("schemaVersion");
        assertThat(schema.validate(copy)).as("schema violations without schemaVersion")
                .anySatisfy(m -> assertThat(m.getMessage()).contains("schemaVersion"));
    }

    @Test
    void aTemplateVariableOfUnknownTypeIsRejected() {
        ObjectNode copy = dashboard.deepCopy();
        ((ObjectNode) copy.path("templating").path("list").get(1)).put("type", "prometheus-query");
        assertThat(schema.validate(copy)).as("schema violations for variable type 'prometheus-query'")
                .anySatisfy(m -> assertThat(m.getInstanceLocation().toString()).contains("templating"));
    }
}
