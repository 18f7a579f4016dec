package io.k1s0.fault.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.k1s0.fault.report.StandInServer.Answer;
import io.k1s0.fault.report.StandInServer.Received;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Grafana and Teams calls against a local stand-in server: payloads, retries, and failures that are not thrown. */
class DeliveryTest {

    private static final HttpSettings FAST = new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 3,
            Duration.ofMillis(50), Duration.ofSeconds(2));
    private static final Secret TOKEN = Secret.of("GRAFANA_TOKEN", "glsa_s3cr3t_token_value");

    @Test
    void grafanaAnnotationIsPostedAtStartAndPatchedWithTimeEnd() throws Exception {
        try (StandInServer grafana = new StandInServer(Answer.of(200, "{\"message\":\"Annotation added\",\"id\":42}"),
                Answer.of(200, "{\"message\":\"Annotation patched\"}"))) {
            GrafanaAnnotations annotations = new GrafanaAnnotations(grafana.uri(), TOKEN, "fault-injection-results", FAST);
            GrafanaAnnotations.Started started = annotations.start("run-1", "weekly-staging", SampleRuns.START);
            assertThat(started.result().ok()).as("POST accepted: %s", started.result().message()).isTrue();
            assertThat(started.id()).as("id from Grafana's answer").hasValue(42);
            DeliveryResult ended = annotations.end(42, SampleRuns.START.plusSeconds(1800));
            assertThat(ended.ok()).as("PATCH accepted: %s", ended.message()).isTrue();

            List<Received> calls = grafana.received();
            assertThat(calls).extracting(Received::method, Received::path).as("calls in order")
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "/api/annotations"),
                            org.assertj.core.groups.Tuple.tuple("PATCH", "/api/annotations/42"));
            for (Received c : calls) {
                assertThat(c.header("Authorization")).as("bearer token").isEqualTo("Bearer glsa_s3cr3t_token_value");
                assertThat(c.header("Content-Type")).as("JSON body").isEqualTo("application/json");
            }
            JsonNode post = ReportJson.MAPPER.readTree(calls.get(0).bodyText());
            assertThat(post.get("dashboardUID").asText()).as("dashboard uid").isEqualTo("fault-injection-results");
            assertThat(post.get("time").asLong()).as("start in ms").isEqualTo(SampleRuns.START.toEpochMilli());
            assertThat(post.get("tags")).extracting(JsonNode::asText).as("tags")
                    .containsExactly("fault-injection", "run:run-1");
            JsonNode patch = ReportJson.MAPPER.readTree(calls.get(1).bodyText());
            assertThat(patch.get("timeEnd").asLong()).as("end in ms")
                    .isEqualTo(SampleRuns.START.plusSeconds(1800).toEpochMilli());
            assertThat(patch.size()).as("PATCH sends only timeEnd").isEqualTo(1);
        }
    }

    @Test
    void a429IsRetriedAfterTheRetryAfterDelay() throws Exception {
        try (StandInServer grafana = new StandInServer(
                new Answer(429, Map.of("Retry-After", "1"), "{\"message\":\"slow down\"}"),
                Answer.of(200, "{\"id\":7}"))) {
            GrafanaAnnotations annotations = new GrafanaAnnotations(grafana.uri(), TOKEN, "fault-injection-results", FAST);
            GrafanaAnnotations.Started started = annotations.start("run-1", "weekly-staging", SampleRuns.START);
            assertThat(started.result().ok()).as("succeeds on the second attempt").isTrue();
            assertThat(started.result().attempts()).as("attempts").isEqualTo(2);
            List<Received> calls = grafana.received();
            long gapMs = (calls.get(1).atNanos() - calls.get(0).atNanos()) / 1_000_000;
            assertThat(gapMs).as("waited the 1 s Retry-After, not the 50 ms backoff").isGreaterThanOrEqualTo(950);
        }
    }

    @Test
    void a500ForeverIsReportedAsAFailureWithoutAnExceptionAndWithoutTheSecret() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DeliveryResult result;
        try (StandInServer grafana = new StandInServer(Answer.of(500, "boom: token glsa_s3cr3t_token_value invalid"))) {
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            GrafanaAnnotations annotations = new GrafanaAnnotations(grafana.uri(), TOKEN, "fault-injection-results", FAST);
            result = annotations.end(42, SampleRuns.START);
            assertThat(grafana.received()).as("every attempt reached the server").hasSize(3);
        } finally {
            System.setErr(originalErr);
        }
        assertThat(result.ok()).as("reported as failed").isFalse();
        assertThat(result.status()).as("last status").isEqualTo(500);
        assertThat(result.attempts()).as("all attempts used").isEqualTo(3);
        assertThat(result.message()).as("message says what happened").contains("failed after 3 attempt(s)")
                .doesNotContain("glsa_s3cr3t_token_value").contains(Secret.REDACTED);
        String logged = log.toString(StandardCharsets.UTF_8);
        assertThat(logged).as("the failure was logged").contains("failed after 3 attempt(s)");
        assertThat(logged).as("no log line carries the token").doesNotContain("glsa_s3cr3t_token_value");
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        try (StandInServer grafana = new StandInServer(Answer.of(401, "{\"message\":\"invalid API key\"}"))) {
            DeliveryResult r = new GrafanaAnnotations(grafana.uri(), TOKEN, "fault-injection-results", FAST)
                    .end(1, SampleRuns.START);
            assertThat(r.ok()).as("401 fails").isFalse();
            assertThat(grafana.received()).as("401 is not retried").hasSize(1);
        }
    }

    @Test
    void anUnreachableServerIsAReportedFailure() throws Exception {
        URI closed;
        try (StandInServer s = new StandInServer(Answer.of(200, ""))) {
            closed = s.uri();
        }
        DeliveryResult r = new GrafanaAnnotations(closed, TOKEN, "fault-injection-results", FAST).end(1, SampleRuns.START);
        assertThat(r.ok()).as("connection refused is a failure value").isFalse();
        assertThat(r.status()).as("no response").isZero();
        assertThat(r.message()).as("names the cause").contains("ConnectException");
    }

    @Test
    void teamsGetsOneAdaptiveCardInAttachmentsRetriedOn503() throws Exception {
        try (StandInServer teams = new StandInServer(Answer.of(503, "busy"), Answer.of(202, ""))) {
            Secret url = Secret.of("TEAMS_WEBHOOK_URL", teams.uri() + "/workflows/abc123/triggers/manual/paths/invoke?sig=SIGNATURE42");
            DeliveryResult r = new TeamsNotifier(url, FAST).post(SampleRuns.weekly("run-1"),
                    List.of(SampleRuns.weekly("run-0")));
            assertThat(r.ok()).as("posted: %s", r.message()).isTrue();
            assertThat(r.attempts()).as("503 then 202").isEqualTo(2);
            assertThat(r.target()).as("target names no secret").doesNotContain("SIGNATURE42");
            Received post = teams.received().get(1);
            assertThat(post.method()).as("method").isEqualTo("POST");
            assertThat(post.path()).as("path of the webhook").isEqualTo("/workflows/abc123/triggers/manual/paths/invoke");
            assertThat(post.header("Content-Type")).as("content type").isEqualTo("application/json");
            assertThat(post.body().length).as("whole envelope within 28 KB").isLessThanOrEqualTo(28_000);
            JsonNode envelope = ReportJson.MAPPER.readTree(post.bodyText());
            assertThat(envelope.get("type").asText()).as("envelope type").isEqualTo("message");
            assertThat(envelope.get("attachments")).as("one attachment").hasSize(1);
            JsonNode attachment = envelope.get("attachments").get(0);
            assertThat(attachment.get("contentType").asText()).as("attachment type")
                    .isEqualTo("application/vnd.microsoft.card.adaptive");
            JsonNode card = attachment.get("content");
            assertThat(card.get("type").asText()).as("card type").isEqualTo("AdaptiveCard");
            assertThat(card.get("version").asText()).as("card version").isEqualTo("1.4");
            assertThat(card.get("actions")).extracting(a -> a.get("type").asText()).as("links are OpenUrl actions")
                    .containsExactly("Action.OpenUrl", "Action.OpenUrl");
            assertThat(post.bodyText()).as("verdict, cleanup and history are in the card")
                    .contains("\"FAIL\"").contains("faults removed").contains("Change vs the last 1 run(s)");
        }
    }

    @Test
    void teamsFailureNeverLeaksTheWebhookUrl() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (StandInServer teams = new StandInServer(Answer.of(500, "error"))) {
            Secret url = Secret.of("TEAMS_WEBHOOK_URL", teams.uri() + "/hook?sig=SIGNATURE42");
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            DeliveryResult r = new TeamsNotifier(url, FAST).post(SampleRuns.weekly("run-1"), List.of());
            assertThat(r.ok()).as("reported failed").isFalse();
            assertThat(r.toString()).as("result carries no secret").doesNotContain("SIGNATURE42");
            assertThat(url.toString()).as("Secret.toString is redacted").doesNotContain("SIGNATURE42");
        } finally {
            System.setErr(originalErr);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).as("logs carry no secret").doesNotContain("SIGNATURE42")
                .contains("Teams webhook failed after 3 attempt(s)");
    }

    @Test
    void badConfigurationIsRejectedNamingTheField() {
        assertThatThrownBy(() -> new GrafanaAnnotations(URI.create("ftp://grafana"), TOKEN, "uid", FAST))
                .hasMessageContaining("grafana url is 'ftp://grafana'").hasMessageContaining("http://");
        assertThatThrownBy(() -> new GrafanaAnnotations(URI.create("http://g"), TOKEN, " ", FAST))
                .hasMessageContaining("dashboardUid");
        assertThatThrownBy(() -> new TeamsNotifier(Secret.of("T", "http://teams.example.test/hook?sig=x"), FAST))
                .hasMessageContaining("scheme 'http'").hasMessageContaining("https").hasMessageNotContaining("sig=x");
        assertThatThrownBy(() -> new HttpSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 0, Duration.ofMillis(1),
                Duration.ofMillis(1))).hasMessageContaining("maxAttempts is 0").hasMessageContaining("1..10");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDateAndCapped() {
        HttpDelivery d = new HttpDelivery(FAST);
        assertThat(d.backoff(1, Optional.of("1"))).as("seconds").isEqualTo(Duration.ofSeconds(1));
        assertThat(d.backoff(1, Optional.of("3600"))).as("capped at maxBackoff").isEqualTo(Duration.ofSeconds(2));
        assertThat(d.backoff(3, Optional.empty())).as("exponential: 50 ms * 2^2").isEqualTo(Duration.ofMillis(200));
        assertThat(HttpDelivery.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).as("a past date means now")
                .hasValue(Duration.ZERO);
        assertThat(HttpDelivery.parseRetryAfter("soon")).as("garbage is ignored").isEmpty();
    }
}
