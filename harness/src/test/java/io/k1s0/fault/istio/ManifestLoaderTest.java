package io.k1s0.fault.istio;

import static io.k1s0.fault.istio.LintFixtures.NO_SCHEMAS;
import static io.k1s0.fault.istio.LintFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestLoaderTest {

    @TempDir
    Path dir;

    @Test
    void typoedFieldGivesOneErrorWithFileLinePathAndSuggestion() {
        Path file = write(dir, "typo.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: order-server
                  namespace: k1s0-service
                spec:
                  hosts: [order-server]
                  http:
                    - route:
                        - destination: {host: order-server}
                      retries:
                        attempts: 2
                        retryon: 5xx
                """);

        ManifestLint.Result result = ManifestLint.lint(List.of(file), NO_SCHEMAS);

        assertThat(result.inputErrors()).as("one clear error for one typo").containsExactly(file
                + ":13: VirtualService k1s0-service/order-server: spec.http[0].retries.retryon: unknown field; "
                + "did you mean retryOn?");
        assertThat(result.findings()).as("no rules run on a set that did not load").isEmpty();
    }

    @Test
    void unknownFieldInsideAOneOfTypeIsFoundToo() {
        Path file = write(dir, "fault.yaml", LintFixtures.virtualService("vs", """
                fault:
                  abort:
                    httpstatus: 503
                    percentage: {value: 5.0}
                route:
                  - destination: {host: order-server}
                """));

        assertThat(ManifestLint.lint(List.of(file), NO_SCHEMAS).inputErrors()).as("typo in abort one-of")
                .containsExactly(file + ":12: VirtualService k1s0-service/vs: spec.http[0].fault.abort.httpstatus: "
                        + "unknown field; did you mean httpStatus?");
    }

    @Test
    void brokenYamlGivesOneErrorWithFileAndLine() {
        Path file = write(dir, "broken.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: a
                 spec: [
                """);

        assertThat(ManifestLint.lint(List.of(file), NO_SCHEMAS).inputErrors()).as("syntax error")
                .containsExactly(file + ":5: YAML syntax error: while parsing a block mapping; "
                        + "expected <block end>, but found '<block mapping start>'");
    }

    @Test
    void unknownKindGivesOneErrorListingTheSupportedKinds() {
        Path file = write(dir, "kind.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: x}
                """);

        assertThat(ManifestLint.lint(List.of(file), NO_SCHEMAS).inputErrors()).as("unknown kind")
                .containsExactly(file + ":1: unsupported kind 'ConfigMap' with apiVersion 'v1'; supported kinds: "
                        + "VirtualService (networking.istio.io/v1), DestinationRule (networking.istio.io/v1), "
                        + "Gateway (networking.istio.io/v1), PeerAuthentication (security.istio.io/v1), "
                        + "Canary (flagger.app/v1beta1), Deployment (apps/v1), Service (v1)");
    }

    @Test
    void olderIstioApiVersionIsAnUnknownKind() {
        Path file = write(dir, "old.yaml", """
                apiVersion: networking.istio.io/v1alpha3
                kind: VirtualService
                metadata: {name: x}
                """);

        assertThat(ManifestLint.lint(List.of(file), NO_SCHEMAS).inputErrors()).singleElement().asString()
                .as("v1alpha3 is not accepted").startsWith(file + ":1: unsupported kind 'VirtualService' with "
                        + "apiVersion 'networking.istio.io/v1alpha3'");
    }

    @Test
    void wrongValueTypeNamesFileLineAndPath() {
        Path file = write(dir, "type.yaml", LintFixtures.virtualService("vs", """
                route:
                  - destination: {host: order-server}
                retries:
                  attempts: three
                """));

        assertThat(ManifestLint.lint(List.of(file), NO_SCHEMAS).inputErrors()).singleElement().asString()
                .as("type mismatch").startsWith(file + ":13: VirtualService k1s0-service/vs: "
                        + "spec.http[0].retries.attempts: Cannot deserialize value of type `java.lang.Integer`");
    }

    @Test
    void duplicateKeyIsAnError() {
        Path file = write(dir, "dup.yaml", """
                apiVersion: v1
                kind: Service
                metadata: {name: x}
                metadata: {name: y}
                """);

        assertThat(ManifestLint.lint(List.of(file), NO_SCHEMAS).inputErrors()).as("duplicate key")
                .containsExactly(file + ":4: YAML syntax error: duplicate key 'metadata' at metadata");
    }

    @Test
    void missingFileIsAnInputError() {
        Path missing = dir.resolve("absent.yaml");

        assertThat(ManifestLint.lint(List.of(missing), NO_SCHEMAS).inputErrors()).as("missing file")
                .containsExactly(missing + ": no such file or directory");
    }

    @Test
    void directoriesAreSearchedRecursivelyForYamlAndMultipleDocumentsAreRead() {
        Path sub = dir.resolve("a/b");
        write(dir, "ignored.txt", "not yaml");
        sub.toFile().mkdirs();
        write(sub, "two.yml", """
                apiVersion: v1
                kind: Service
                metadata: {name: x, namespace: n}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x, namespace: n}
                spec:
                  replicas: 3
                """);

        ManifestLoader.Loaded loaded = new ManifestLoader().load(List.of(dir));

        assertThat(loaded.errors()).as("errors").isEmpty();
        assertThat(loaded.files()).as("files found").containsExactly(sub.resolve("two.yml"));
        assertThat(loaded.manifests()).extracting(LoadedManifest::identity).as("resources")
                .containsExactly("Service n/x", "Deployment n/x");
        assertThat(loaded.manifests().get(1).document().lineOf("spec.replicas")).as("line of a path").isEqualTo(9);
    }

    @Test
    void suggestionPrefersTheClosestKnownName() {
        assertThat(LintSuggestion.closest("perTryTimout", List.of("perTryTimeout", "timeout", "retryOn")))
                .as("one letter missing").contains("perTryTimeout");
        assertThat(LintSuggestion.closest("zzzz", List.of("perTryTimeout", "retryOn"))).as("nothing close")
                .isEmpty();
    }
}
