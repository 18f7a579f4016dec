package io.k1s0.fault.istio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/** Writes YAML into a temporary file and lints it. */
final class LintFixtures {

    static final ManifestLint.Options NO_SCHEMAS = new ManifestLint.Options(OptionalInt.empty(), null, null);

    private LintFixtures() {
    }

    static Path write(Path dir, String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ManifestLint.Result lint(Path dir, String yaml) {
        return ManifestLint.lint(List.of(write(dir, "m.yaml", yaml)), NO_SCHEMAS);
    }

    static List<ManifestLint.Finding> findings(Path dir, String yaml, String ruleId) {
        ManifestLint.Result result = lint(dir, yaml);
        if (!result.inputErrors().isEmpty()) {
            throw new AssertionError("fixture did not load: " + result.inputErrors());
        }
        return result.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
    }

    /** A VirtualService for order-server with one HTTP route whose body is {@code route} (indented 6). */
    static String virtualService(String name, String route) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata:
                  name: %s
                  namespace: k1s0-service
                spec:
                  hosts:
                    - order-server
                  http:
                    - %s
                """.formatted(name, route.strip().replace("\n", "\n      "));
    }

    /** A route with a safe retry policy: (2+1) x 3s + 100ms backoff fits into 10s. */
    static final String SAFE_ROUTE = """
            route:
              - destination:
                  host: order-server
            timeout: 10s
            retries:
              attempts: 2
              perTryTimeout: 3s
              retryOn: "5xx,reset,connect-failure"
            """;
}
