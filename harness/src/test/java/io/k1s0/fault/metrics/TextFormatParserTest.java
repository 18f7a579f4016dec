package io.k1s0.fault.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TextFormatParserTest {

    @Test
    void parsesHelpTypeCountersAndLabelEscapes() {
        TextFormatParser.Exposition e = TextFormatParser.parse(String.join("\n",
                "# HELP istio_requests_total Requests \\\\ with a\\nnewline",
                "# TYPE istio_requests_total counter",
                "istio_requests_total{reporter=\"source\",path=\"a\\\"b\\\\c\\nd\",} 12 1700000000000",
                "# an ordinary comment",
                "",
                "envoy_cluster_upstream_rq_retry{cluster_name=\"outbound|8080||svc.ns.svc.cluster.local\"}\t3"));

        assertThat(e.types).containsEntry("istio_requests_total", "counter");
        assertThat(e.help).containsEntry("istio_requests_total", "Requests \\ with a\nnewline");
        assertThat(e.samples).hasSize(2);
        TextFormatParser.Sample first = e.samples.get(0);
        assertThat(first.labels).containsEntry("path", "a\"b\\c\nd").containsEntry("reporter", "source");
        assertThat(first.value).isEqualTo(12.0);
        assertThat(first.timestampMillis).isEqualTo(1700000000000L);
        assertThat(e.samples.get(1).labels).containsEntry("cluster_name", "outbound|8080||svc.ns.svc.cluster.local");
    }

    @Test
    void parsesHistogramsWithInfAndSpecialValues() {
        TextFormatParser.Exposition e = TextFormatParser.parse(String.join("\n",
                "# TYPE istio_request_duration_milliseconds histogram",
                "istio_request_duration_milliseconds_bucket{reporter=\"source\",le=\"0.5\"} 1",
                "istio_request_duration_milliseconds_bucket{reporter=\"source\",le=\"+Inf\"} 4",
                "istio_request_duration_milliseconds_sum{reporter=\"source\"} 12.5",
                "istio_request_duration_milliseconds_count{reporter=\"source\"} 4",
                "some_gauge NaN",
                "other_gauge -Inf",
                "exp_gauge 1.5e3"));

        assertThat(e.samples).extracting(s -> s.value).containsExactly(1.0, 4.0, 12.5, 4.0, Double.NaN,
                Double.NEGATIVE_INFINITY, 1500.0);
        assertThat(e.samples.get(1).labels).containsEntry("le", "+Inf");
    }

    @Test
    void histogramWithoutInfBucketIsRejected() {
        assertThatThrownBy(() -> TextFormatParser.parse(String.join("\n",
                "# TYPE h histogram", "h_bucket{le=\"1\"} 1", "h_count 1")))
                .hasMessageContaining("no le=\"+Inf\" bucket");
    }

    @Test
    void bucketWithoutOrWithBadLeIsRejected() {
        assertThatThrownBy(() -> TextFormatParser.parse("# TYPE h histogram\nh_bucket{a=\"1\"} 1"))
                .hasMessageContaining("line 2").hasMessageContaining("without an le label");
        assertThatThrownBy(() -> TextFormatParser.parse("# TYPE h histogram\nh_bucket{le=\"x\"} 1"))
                .hasMessageContaining("le=\"x\" is not a number");
    }

    @Test
    void malformedLinesNameTheLineAndWhatIsAllowed() {
        assertThatThrownBy(() -> TextFormatParser.parse("m{a=\"b\\t\"} 1")).hasMessageContaining("line 1")
                .hasMessageContaining("escape \\t").hasMessageContaining("\\\\, \\\" and \\n");
        assertThatThrownBy(() -> TextFormatParser.parse("m{a=\"b} 1")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> TextFormatParser.parse("m 1.0f")).hasMessageContaining("value '1.0f'");
        assertThatThrownBy(() -> TextFormatParser.parse("m 0x10")).hasMessageContaining("value '0x10'");
        assertThatThrownBy(() -> TextFormatParser.parse("m 1 12.5")).hasMessageContaining("timestamp '12.5'");
        assertThatThrownBy(() -> TextFormatParser.parse("m{a=\"b\" c=\"d\"} 1")).hasMessageContaining("',' or '}'");
        assertThatThrownBy(() -> TextFormatParser.parse("1m 1")).hasMessageContaining("a metric name");
        assertThatThrownBy(() -> TextFormatParser.parse("m{a=\"1\",a=\"2\"} 1")).hasMessageContaining("label a twice");
        assertThatThrownBy(() -> TextFormatParser.parse("m 1\nm 2")).hasMessageContaining("line 2")
                .hasMessageContaining("duplicate series");
    }

    @Test
    void typeLinesAreStrict() {
        assertThatThrownBy(() -> TextFormatParser.parse("# TYPE m countr")).hasMessageContaining("TYPE 'countr'")
                .hasMessageContaining("counter, gauge, histogram, summary, untyped");
        assertThatThrownBy(() -> TextFormatParser.parse("# TYPE m counter\n# TYPE m gauge"))
                .hasMessageContaining("second TYPE for m");
        assertThatThrownBy(() -> TextFormatParser.parse("m 1\n# TYPE m counter"))
                .hasMessageContaining("TYPE for m after its samples");
        assertThatThrownBy(() -> TextFormatParser.parse("# HELP m bad \\x escape"))
                .hasMessageContaining("HELP escape \\x");
    }

    @Test
    void crlfLineEndsAreAccepted() {
        assertThat(TextFormatParser.parse("m{a=\"b\"} 2\r\n").samples.get(0).labels).isEqualTo(Map.of("a", "b"));
    }
}
