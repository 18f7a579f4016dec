package io.k1s0.fault.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {

    @Test
    void toStringNeverShowsTheValue() {
        Secret s = Secret.of("GRAFANA_TOKEN", "glsa_abc");
        assertThat(s.toString()).as("redacted").isEqualTo("Secret[GRAFANA_TOKEN=****]");
        assertThat(String.valueOf(s)).as("string conversion").doesNotContain("glsa_abc");
        assertThat(s.reveal()).as("the value for the header").isEqualTo("glsa_abc");
    }

    @Test
    void readsFromEnvironmentAndNamesAMissingVariable() {
        assertThat(Secret.fromEnv("TEAMS_WEBHOOK_URL", Map.of("TEAMS_WEBHOOK_URL", "https://x/y\n")).reveal())
                .as("trimmed value").isEqualTo("https://x/y");
        assertThatThrownBy(() -> Secret.fromEnv("TEAMS_WEBHOOK_URL", Map.of()))
                .hasMessage("environment variable TEAMS_WEBHOOK_URL is unset; it must hold the secret");
        assertThatThrownBy(() -> Secret.fromEnv("TEAMS_WEBHOOK_URL", Map.of("TEAMS_WEBHOOK_URL", "  ")))
                .hasMessageContaining("is blank");
    }

    @Test
    void readsAMountedFileWithoutItsTrailingNewline(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "glsa_file\n");
        assertThat(Secret.fromFile(file).reveal()).as("file value").isEqualTo("glsa_file");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> Secret.fromFile(empty)).hasMessageContaining("is empty");
    }

    @Test
    void redactReplacesEveryOccurrenceOfEverySecret() {
        Secret a = Secret.of("A", "alpha");
        Secret b = Secret.of("B", "beta");
        assertThat(Secret.redact("alpha, beta and alpha again", a, b)).as("both redacted")
                .isEqualTo("****, **** and **** again");
    }
}
