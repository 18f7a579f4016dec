package io.k1s0.fault.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's PromQL: every panel target and Prometheus annotation query, with Grafana's macros and
 * template variables replaced by concrete values, ready for promtool or a real Prometheus.
 * Reused by the later test that runs the queries against a Prometheus that scraped a weekly run.
 */
final class DashboardQueries {

    /** Grafana's built-in range macros and the values they get here (1m = 4 x the 15 s scrape interval). */
    static final Map<String, String> MACROS = Map.of(
            "__rate_interval", "1m",
            "__interval", "15s",
            "__range", "1h",
            "__range_s", "3600",
            "__interval_ms", "15000");

    /** Annotation queries are listed with this panel id. */
    static final int ANNOTATION = 0;

    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\[\\[(\\w+)(?::[^]]*)?]]|\\$(\\w+)");

    /** One query of the dashboard; {@code panelId} is {@link #ANNOTATION} for an annotation query. */
    record PanelQuery(int panelId, String title, String refId, String expr) {
    }

    private DashboardQueries() {
    }

    /** Every query with macros substituted and every template variable set to {@code .*} (Grafana's "All"). */
    static List<PanelQuery> substituted(JsonNode dashboard) {
        return substituted(dashboard, Map.of());
    }

    /**
     * Every query with macros substituted and the given variable values; variables not given take
     * {@code .*}. A reference to something that is neither a macro nor a dashboard variable is an error.
     */
    static List<PanelQuery> substituted(JsonNode dashboard, Map<String, String> variableValues) {
        return substituted(dashboard, variableValues, MACROS);
    }

    /**
     * As {@link #substituted(JsonNode, Map)} with the given macro values instead of {@link #MACROS}, e.g.
     * {@code $__rate_interval} = 4s for a Prometheus scraping every second (Grafana: max(interval + scrape, 4 x scrape)).
     */
    static List<PanelQuery> substituted(JsonNode dashboard, Map<String, String> variableValues, Map<String, String> macros) {
        if (!macros.keySet().equals(MACROS.keySet())) {
            throw new IllegalArgumentException("macros " + macros.keySet() + " must set exactly " + MACROS.keySet());
        }
        Map<String, String> values = new HashMap<>(macros);
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String name = variable.path("name").asText();
            values.put(name, variableValues.getOrDefault(name, ".*"));
        }
        List<PanelQuery> result = new ArrayList<>();
        for (PanelQuery query : raw(dashboard)) {
            result.add(new PanelQuery(query.panelId(), query.title(), query.refId(), substitute(query, values)));
        }
        return result;
    }

    /** Every query exactly as written in the dashboard. */
    static List<PanelQuery> raw(JsonNode dashboard) {
        List<PanelQuery> queries = new ArrayList<>();
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            if (annotation.hasNonNull("expr")) {
                queries.add(new PanelQuery(ANNOTATION, "annotation: " + annotation.path("name").asText(), "annotation",
                        annotation.get("expr").asText()));
            }
        }
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    queries.add(new PanelQuery(panel.path("id").asInt(), panel.path("title").asText(),
                            target.path("refId").asText(), target.get("expr").asText()));
                }
            }
        }
        return queries;
    }

    /** Top-level panels and the panels nested in rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    private static String substitute(PanelQuery query, Map<String, String> values) {
        Matcher matcher = REFERENCE.matcher(query.expr());
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1)
                    : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("panel " + query.panelId() + " '" + query.title() + "' query "
                        + query.refId() + " references '$" + name + "', which is neither a Grafana macro "
                        + MACROS.keySet() + " nor a dashboard variable " + values.keySet());
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
