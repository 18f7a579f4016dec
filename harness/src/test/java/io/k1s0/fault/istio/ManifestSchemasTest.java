package io.k1s0.fault.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CRD schema validation; the CRD files come from ISTIO_CRDS / FLAGGER_CRDS (or -Distio.crds / -Dflagger.crds). */
class ManifestSchemasTest {

    private static final ObjectMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    private static ManifestLint.Options options() {
        ManifestLint.Options options = ManifestLint.Options.fromEnvironment();
        assumeThat(options.istioCrds()).as("ISTIO_CRDS (or -Distio.crds) names the Istio CRD file; "
                + "without it schema validation cannot be tested").isNotNull();
        assumeThat(options.flaggerCrds()).as("FLAGGER_CRDS (or -Dflagger.crds) names the Flagger CRD file; "
                + "without it schema validation cannot be tested").isNotNull();
        return options;
    }

    @Test
    void intOrStringAndNullableBecomeJsonSchemaTypesAndObjectsWithPropertiesAreClosed() throws Exception {
        JsonNode openApi = YAML.readTree("""
                type: object
                properties:
                  port:
                    x-kubernetes-int-or-string: true
                  name:
                    type: string
                    nullable: true
                    format: hostname
                  extra:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
                    properties:
                      a: {type: string}
                """);

        JsonNode converted = ManifestSchemas.toJsonSchema(openApi);

        assertThat(converted.toString()).as("converted schema").isEqualTo("{\"type\":\"object\",\"properties\":{"
                + "\"port\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]},"
                + "\"name\":{\"type\":[\"string\",\"null\"]},"
                + "\"extra\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}},"
                + "\"additionalProperties\":false}");
    }

    @Test
    void unreadableCrdFileIsAnInputError() {
        Path missing = dir.resolve("no-crds.yaml");
        ManifestLint.Result result = ManifestLint.lint(List.of(LintFixtures.write(dir, "s.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n")),
                new ManifestLint.Options(OptionalInt.empty(), missing, null));

        assertThat(result.inputErrors()).singleElement().asString().as("names the file and the setting")
                .startsWith(missing + ": cannot read CRD file given by ISTIO_CRDS / -Distio.crds");
    }

    @Test
    void theReconciledManifestsPassTheIstioAndFlaggerSchemas() {
        ManifestLint.Result result = ManifestLint.lint(List.of(Path.of("../manifests")), options());

        assertThat(result.inputErrors()).as("input errors").isEmpty();
        assertThat(result.findings()).filteredOn(f -> f.ruleId().equals("SCHEMA")).as("schema violations").isEmpty();
        assertThat(result.notes()).as("no validation skipped").noneMatch(n -> n.startsWith("schema validation"));
    }

    @Test
    void aNegativePortIsASchemaErrorTheModelLetsThrough() {
        Path file = LintFixtures.write(dir, "vs.yaml", LintFixtures.virtualService("a", LintFixtures.SAFE_ROUTE
                .replace("host: order-server", "host: order-server\n      port: {number: -1}")));

        ManifestLint.Result result = ManifestLint.lint(List.of(file), options());

        assertThat(result.findings()).filteredOn(f -> f.ruleId().equals("SCHEMA")).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("spec.http[0].route[0].destination.port.number");
            assertThat(f.message()).startsWith("violates the VirtualService CRD schema: ").contains("minimum value of 0");
        });
    }

    @Test
    void aCanaryFieldTheFlaggerSchemaDoesNotKnowIsASchemaError() throws Exception {
        String canary = Files.readString(Path.of("../manifests/canary/order-server-canary.yaml"))
                .replace("stepWeights:", "stepWeigths:");
        Path file = LintFixtures.write(dir, "canary.yaml", canary);

        ManifestLint.Result result = ManifestLint.lint(List.of(file), options());

        assertThat(result.findings()).filteredOn(f -> f.ruleId().equals("SCHEMA")).as("schema findings")
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.path()).isEqualTo("spec.analysis"))
                .anySatisfy(f -> assertThat(f.message()).contains("property 'stepWeigths' is not defined in the schema"))
                .anySatisfy(f -> assertThat(f.message()).as("the one-of of stepWeight / stepWeights / iterations")
                        .contains("required property 'stepWeights' not found"));
    }
}
