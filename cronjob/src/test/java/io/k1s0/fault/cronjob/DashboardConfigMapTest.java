package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DashboardConfigMapTest {

    private static final String KEY = "fault-injection-results.json";
    private static ConfigMap configMap;
    private static String dashboardFile;

    @BeforeAll
    static void read() throws IOException {
        configMap = new KubernetesSerialization().unmarshal(Files.readString(ProjectFiles.dashboardConfigMap()), ConfigMap.class);
        dashboardFile = Files.readString(ProjectFiles.dashboardJson());
    }

    /** The first line where the embedded dashboard and the file differ, if any. */
    static Optional<String> drift(ConfigMap configMap, String dashboardFile) {
        String embedded = configMap.getData() == null ? null : configMap.getData().get(KEY);
        if (embedded == null) {
            return Optional.of("ConfigMap has no data key " + KEY);
        }
        String[] a = embedded.split("\n", -1);
        String[] b = dashboardFile.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String left = i < a.length ? a[i] : "<end>";
            String right = i < b.length ? b[i] : "<end>";
            if (!left.equals(right)) {
                return Optional.of("line " + (i + 1) + ": ConfigMap has '" + left + "', file has '" + right
                        + "'; run grafana/render-configmap.sh");
            }
        }
        return Optional.empty();
    }

    @Test
    void theConfigMapEmbedsExactlyTheDashboardFile() {
        assertThat(drift(configMap, dashboardFile)).as("drift between dashboard-configmap.yaml and the JSON file").isEmpty();
    }

    @Test
    void aChangedDashboardFileIsDetectedAsDrift() {
        String edited = dashboardFile.replace("\"refresh\": \"1m\"", "\"refresh\": \"5m\"");
        assertThat(edited).as("the edit really changed the text").isNotEqualTo(dashboardFile);
        assertThat(drift(configMap, edited)).as("drift after editing only the file")
                .hasValueSatisfying(d -> assertThat(d).contains("\"refresh\": \"1m\"").contains("\"refresh\": \"5m\""));
    }

    @Test
    void theSidecarFindsTheConfigMapByItsLabel() {
        assertThat(configMap.getMetadata().getLabels()).as("labels of the dashboard ConfigMap")
                .containsEntry("grafana_dashboard", "1");
        assertThat(configMap.getMetadata().getNamespace()).as("namespace of the dashboard ConfigMap").isEqualTo("observability");
        assertThat(configMap.getData()).as("data keys of the dashboard ConfigMap").containsOnlyKeys(KEY);
    }

    @Test
    void theConfigMapStaysFarBelowTheClientSideApplyLimit() throws IOException {
        assertThat(Files.size(ProjectFiles.dashboardConfigMap()))
                .as("bytes of dashboard-configmap.yaml (kubectl's last-applied annotation is capped at 256 KiB)")
                .isLessThan(256 * 1024);
    }
}
