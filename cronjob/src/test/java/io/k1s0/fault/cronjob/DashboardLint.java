package io.k1s0.fault.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard-linter rules this project cares about, re-implemented over the JSON (the Go linter is not
 * available here). Each rule returns its violations; an empty list means the rule holds.
 */
final class DashboardLint {

    static final String UID = "fault-injection-results";
    /** Written by Grafana 11.1-11.5; newer Grafana migrates it upward on load, never downward. */
    static final int SCHEMA_VERSION = 39;
    static final String DATASOURCE_VARIABLE = "DS_PROMETHEUS";
    static final String DATASOURCE_UID = "${" + DATASOURCE_VARIABLE + "}";
    /** Grafana's own annotation store: allowed only for annotations. */
    static final String GRAFANA_BUILT_IN_UID = "-- Grafana --";
    /** The one job selector allowed: the Pushgateway group the runner pushes its summary to. */
    static final String PUSHGATEWAY_JOB = "fault-injection-weekly";

    private static final Pattern RANGE_SELECTOR = Pattern.compile("\\[([^\\]]*)]");
    private static final Pattern JOB_OR_INSTANCE = Pattern.compile("\\b(job|instance)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

    private DashboardLint() {
    }

    /** Every panel, target, query variable and Prometheus annotation points at {@code ${DS_PROMETHEUS}}. */
    static List<String> templatedDatasources(JsonNode dashboard) {
        List<String> violations = new ArrayList<>();
        for (JsonNode panel : DashboardQueries.panels(dashboard)) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            String where = describe(panel);
            checkPrometheusDatasource(panel.path("datasource"), where, violations);
            for (JsonNode target : panel.path("targets")) {
                checkPrometheusDatasource(target.path("datasource"), where + " target " + target.path("refId").asText(),
                        violations);
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                checkPrometheusDatasource(variable.path("datasource"), "variable " + variable.path("name").asText(),
                        violations);
            }
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            String uid = annotation.path("datasource").path("uid").asText();
            if (!GRAFANA_BUILT_IN_UID.equals(uid)) {
                checkPrometheusDatasource(annotation.path("datasource"),
                        "annotation '" + annotation.path("name").asText() + "'", violations);
            }
        }
        return violations;
    }

    /** A datasource-type variable named DS_PROMETHEUS exists, and no import-only {@code __inputs} is relied on. */
    static List<String> datasourceVariable(JsonNode dashboard) {
        List<String> violations = new ArrayList<>();
        boolean found = false;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (DATASOURCE_VARIABLE.equals(variable.path("name").asText())) {
                found = true;
                if (!"datasource".equals(variable.path("type").asText())
                        || !"prometheus".equals(variable.path("query").asText())) {
                    violations.add("variable " + DATASOURCE_VARIABLE + " must be {type: datasource, query: prometheus}, was "
                            + variable);
                }
            }
        }
        if (!found) {
            violations.add("templating.list has no datasource variable named " + DATASOURCE_VARIABLE);
        }
        for (String importOnly : List.of("__inputs", "__requires")) {
            if (dashboard.has(importOnly)) {
                violations.add(importOnly + " is read only by the UI import dialog; provisioning ignores it");
            }
        }
        return violations;
    }

    /** Every range selector in every query is {@code [$__rate_interval]}. */
    static List<String> rateInterval(JsonNode dashboard) {
        List<String> violations = new ArrayList<>();
        for (DashboardQueries.PanelQuery query : DashboardQueries.raw(dashboard)) {
            Matcher matcher = RANGE_SELECTOR.matcher(stripStrings(query.expr()));
            while (matcher.find()) {
                if (!"$__rate_interval".equals(matcher.group(1).trim())) {
                    violations.add(describe(query) + " uses range [" + matcher.group(1) + "], not [$__rate_interval]");
                }
            }
        }
        return violations;
    }

    /** Every panel has a title, a description and a unit. */
    static List<String> titlesDescriptionsUnits(JsonNode dashboard) {
        List<String> violations = new ArrayList<>();
        for (JsonNode panel : DashboardQueries.panels(dashboard)) {
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            String where = describe(panel);
            if (panel.path("title").asText().isBlank()) {
                violations.add(where + " has no title");
            }
            if (panel.path("description").asText().isBlank()) {
                violations.add(where + " has no description");
            }
            if (panel.path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
                violations.add(where + " has no unit (fieldConfig.defaults.unit)");
            }
        }
        return violations;
    }

    /** Every panel has an id and no two panels share one. */
    static List<String> uniquePanelIds(JsonNode dashboard) {
        List<String> violations = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (JsonNode panel : DashboardQueries.panels(dashboard)) {
            if (!panel.path("id").canConvertToInt()) {
                violations.add(describe(panel) + " has no numeric id");
            } else if (!seen.add(panel.path("id").asInt())) {
                violations.add(describe(panel) + " reuses id " + panel.path("id").asInt());
            }
        }
        return violations;
    }

    /** No query or variable selects a job or instance, except the documented Pushgateway job. */
    static List<String> noHardCodedJobOrInstance(JsonNode dashboard) {
        List<String> violations = new ArrayList<>();
        List<String[]> checked = new ArrayList<>();
        for (DashboardQueries.PanelQuery query : DashboardQueries.raw(dashboard)) {
            checked.add(new String[] {describe(query), query.expr()});
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                checked.add(new String[] {"variable " + variable.path("name").asText(), variable.path("definition").asText()});
            }
        }
        for (String[] item : checked) {
            Matcher matcher = JOB_OR_INSTANCE.matcher(item[1]);
            while (matcher.find()) {
                boolean pushgatewayJob = "job".equals(matcher.group(1)) && "=".equals(matcher.group(2))
                        && PUSHGATEWAY_JOB.equals(matcher.group(3));
                if (!pushgatewayJob) {
                    violations.add(item[0] + " hard-codes " + matcher.group() + "; only job=\"" + PUSHGATEWAY_JOB
                            + "\" (the Pushgateway group) is allowed");
                }
            }
        }
        return violations;
    }

    /** schemaVersion is the pinned number and uid is the stable one Teams cards link to. */
    static List<String> pinnedSchemaVersionAndUid(JsonNode dashboard) {
        List<String> violations = new ArrayList<>();
        JsonNode schemaVersion = dashboard.path("schemaVersion");
        if (!schemaVersion.isInt() || schemaVersion.asInt() != SCHEMA_VERSION) {
            violations.add("schemaVersion must be the number " + SCHEMA_VERSION + ", was " + schemaVersion);
        }
        if (!UID.equals(dashboard.path("uid").asText())) {
            violations.add("uid must be '" + UID + "', was " + dashboard.path("uid"));
        }
        return violations;
    }

    private static void checkPrometheusDatasource(JsonNode datasource, String where, List<String> violations) {
        if (!"prometheus".equals(datasource.path("type").asText()) || !DATASOURCE_UID.equals(datasource.path("uid").asText())) {
            violations.add(where + " datasource must be {type: prometheus, uid: " + DATASOURCE_UID + "}, was "
                    + (datasource.isMissingNode() ? "missing" : datasource.toString()));
        }
    }

    /** Label values may contain brackets (e.g. {@code [|]} in a regex); range selectors never sit inside strings. */
    private static String stripStrings(String expr) {
        return expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
    }

    private static String describe(JsonNode panel) {
        return "panel " + panel.path("id") + " '" + panel.path("title").asText() + "'";
    }

    private static String describe(DashboardQueries.PanelQuery query) {
        return (query.panelId() == DashboardQueries.ANNOTATION ? query.title() : "panel " + query.panelId() + " '"
                + query.title() + "'") + " query " + query.refId();
    }
}
