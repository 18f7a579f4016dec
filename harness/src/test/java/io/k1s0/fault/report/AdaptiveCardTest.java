package io.k1s0.fault.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.k1s0.fault.report.RunReport.Expectation;
import io.k1s0.fault.report.RunReport.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveCardTest {

    @Test
    void aSmallRunKeepsEveryDetail() throws Exception {
        String json = AdaptiveCard.envelope(SampleRuns.weekly("run-1"), List.of(SampleRuns.weekly("run-0")), 28_000);
        assertThat(json).as("every expectation is listed")
                .contains("observed abort fraction matches 5 %").contains("organic error rate stays under 1 %");
        assertThat(json).as("failure message kept").contains("P99 1180 ms exceeds 1000 ms");
        JsonNode card = ReportJson.MAPPER.readTree(json).get("attachments").get(0).get("content");
        assertThat(card.get("body").get(1).get("color").asText()).as("FAIL is shown in the attention colour")
                .isEqualTo("Attention");
    }

    @Test
    void anOversizedRunIsTrimmedUnder28KbKeepingVerdictCleanupAndLinks() throws Exception {
        RunReport.Builder b = SampleRuns.weeklyBuilder("run-big");
        String longMessage = "x".repeat(380);
        for (int i = 0; i < 400; i++) {
            b.expectation(new Expectation("route " + i + " keeps its P99 under the canary gate", i % 2 == 0 ? Verdict.PASS
                    : Verdict.FAIL, "ms", 500.0, 510.0 + i, null, null, 1000, 100, longMessage));
        }
        RunReport big = b.build();
        assertThat(AdaptiveCard.build(big, List.of(), 0).toString().getBytes(StandardCharsets.UTF_8).length)
                .as("the untrimmed card would be too big").isGreaterThan(28_000);

        String json = AdaptiveCard.envelope(big, List.of(SampleRuns.weekly("run-0")), 28_000);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).as("trimmed envelope").isLessThanOrEqualTo(28_000);
        assertThat(json).as("verdict kept").contains("\"text\":\"FAIL\"");
        assertThat(json).as("cleanup line kept").contains("faults removed");
        assertThat(json).as("count of passed expectations kept").contains("of 405 expectations passed");
        JsonNode card = ReportJson.MAPPER.readTree(json).get("attachments").get(0).get("content");
        assertThat(card.get("actions")).as("links kept").hasSize(2);
    }

    @Test
    void historyShowsTheChangeAgainstPreviousRuns() {
        RunReport previous = SampleRuns.weekly("run-0");
        String json = AdaptiveCard.envelope(SampleRuns.weekly("run-1"), List.of(previous, previous), 28_000);
        assertThat(json).as("comparison heading").contains("Change vs the last 2 run(s)");
        assertThat(json).as("no change against identical runs").contains("(+0.00 pp)").contains("(+0.00 ms)");
        assertThat(json).as("verdict history").contains("FAIL → FAIL → FAIL (now)");
    }
}
