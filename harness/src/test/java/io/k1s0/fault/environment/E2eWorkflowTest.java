package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The e2e workflow caches images by name; a pin changed in code but not there would silently pull again. */
class E2eWorkflowTest {

    private static final Path WORKFLOW = Path.of("..", ".github", "workflows", "e2e-k3s.yml");

    @Test
    void workflowCachesExactlyThePinnedImagesAndRunsTheK3sEnvironment() throws Exception {
        JsonNode workflow = Yaml.mapper().readTree(Files.readString(WORKFLOW));
        assertThat(workflow.at("/env/K3S_NODE_IMAGE").asText()).isEqualTo(PinnedImages.K3S);
        List<String> inner = Arrays.asList(workflow.at("/env/K3S_INNER_IMAGES").asText().trim().split("\\s+"));
        assertThat(inner).as("K3S_INNER_IMAGES in %s", WORKFLOW)
                .containsExactlyInAnyOrderElementsOf(PinnedImages.imagesInsideK3s());
        assertThat(Files.readString(WORKFLOW))
                .contains("mvn -B verify -Dmesh.environment=k3s -pl example-tests -am")
                .contains("java-version: \"17\"");
    }
}
