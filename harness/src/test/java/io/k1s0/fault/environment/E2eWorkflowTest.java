package io.k1s0.fault.environment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
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

    @Test
    void workflowRunsOnlyTheK3sTestsAndUploadsReportsAndHarnessArtifacts() throws Exception {
        JsonNode workflow = Yaml.mapper().readTree(Files.readString(WORKFLOW));
        String run = StreamSupport.stream(workflow.at("/jobs/e2e/steps").spliterator(), false)
                .map(step -> step.path("run").asText()).filter(text -> text.contains("mvn ")).findFirst().orElse("");
        assertThat(run).as("the Maven step of %s", WORKFLOW)
                .contains("-Dtest='io.k1s0.fault.examples.**'", "-Dsurefire.failIfNoSpecifiedTests=false",
                        "-Dit.test=K3sEnvironmentIT", "-Dfailsafe.failIfNoSpecifiedTests=false");
        String uploaded = StreamSupport.stream(workflow.at("/jobs/e2e/steps").spliterator(), false)
                .filter(step -> step.path("uses").asText().startsWith("actions/upload-artifact@"))
                .map(step -> step.at("/with/path").asText()).findFirst().orElse("");
        assertThat(uploaded).as("uploaded paths")
                .contains("**/target/surefire-reports/", "**/target/failsafe-reports/", "**/target/fault-harness/");
        assertThat(workflow.at("/jobs/e2e/timeout-minutes").asInt()).as("job deadline, minutes").isBetween(1, 60);
        assertThat(StreamSupport.stream(workflow.at("/jobs/e2e/steps").spliterator(), false)
                .map(step -> step.path("uses").asText()))
                .as("images saved to the cache on a miss even when the tests then fail (actions/cache saves only on success)")
                .contains("actions/cache/restore@v4", "actions/cache/save@v4");
    }
}
