package io.k1s0.fault.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k1s0.fault.report.RunReport.Expectation;
import io.k1s0.fault.report.RunReport.Verdict;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ReportWritersTest {

    private static final String HOSTILE = "<script>alert('x')</script> | & \"q\"";

    @Test
    void jsonRoundTripGivesAnEqualReport() {
        RunReport report = SampleRuns.weekly("run-1");
        String json = ReportFiles.json(report);
        assertThat(json).as("the version is in the file").contains("\"schemaVersion\" : 1");
        assertThat(ReportJson.read(json)).as("read back").isEqualTo(report);
    }

    @Test
    void jsonWithAnUnknownFieldOrAnotherSchemaVersionIsRejectedNamingIt() {
        String json = ReportFiles.json(SampleRuns.weekly("run-1"));
        assertThatThrownBy(() -> ReportJson.read(json.replaceFirst("\\{", "{\"surprise\":1,")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surprise");
        assertThatThrownBy(() -> ReportJson.read(json.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schemaVersion is 2");
    }

    @Test
    void badModelValuesAreRejectedNamingFieldAndValue() {
        assertThatThrownBy(() -> RunReport.Fault.delay(150, 500, List.of("a")))
                .hasMessageContaining("percent is 150.0").hasMessageContaining("0..100");
        assertThatThrownBy(() -> new RunReport.Fault("latency", 5, null, null, List.of()))
                .hasMessageContaining("'latency'").hasMessageContaining("delay, abort");
        assertThatThrownBy(() -> RunReport.builder(" ", "e", "staging").window(SampleRuns.START, SampleRuns.START).build())
                .hasMessageContaining("runId");
        assertThatThrownBy(() -> RunReport.builder("r", "e", "staging")
                .window(SampleRuns.START, SampleRuns.START.minusSeconds(1)).build())
                .hasMessageContaining("before start");
    }

    @Test
    void junitXmlHasOneTestCasePerExpectationWithFailureAndSkippedMessages() throws Exception {
        RunReport report = SampleRuns.weekly("run-1");
        Document doc = parse(ReportFiles.junitXml(report));
        Element suite = doc.getDocumentElement();
        assertThat(suite.getTagName()).as("root element").isEqualTo("testsuite");
        // five expectations plus the cleanup case
        assertThat(suite.getAttribute("tests")).as("tests attribute").isEqualTo("6");
        assertThat(suite.getAttribute("failures")).as("failures attribute").isEqualTo("1");
        assertThat(suite.getAttribute("skipped")).as("skipped attribute").isEqualTo("1");
        assertThat(suite.getAttribute("errors")).as("errors attribute").isEqualTo("0");
        assertThat(suite.getAttribute("timestamp")).as("zone-less timestamp as the common JUnit XSD wants")
                .isEqualTo("2026-11-23T01:00:00");
        assertThat(suite.getAttribute("time")).as("suite time in seconds").isEqualTo("300.000");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).as("testcase elements").isEqualTo(6);
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            assertThat(c.getAttribute("classname")).as("classname of case %d", i).isEqualTo("fault-injection.weekly-staging");
            assertThat(c.getAttribute("time")).as("time of case %d", i).matches("\\d+(\\.\\d+)?");
        }
        Element failure = (Element) suite.getElementsByTagName("failure").item(0);
        assertThat(((Element) failure.getParentNode()).getAttribute("name"))
                .as("the failing case").isEqualTo("client P99 during injection stays under 1000 ms");
        assertThat(failure.getAttribute("message")).as("failure message").contains("1180 ms exceeds 1000 ms");
        Element skipped = (Element) suite.getElementsByTagName("skipped").item(0);
        assertThat(skipped.getAttribute("message")).as("skipped message").contains("only 3 of 20");
    }

    @Test
    void junitXmlReportsAnAbortAndLeftoverFaultsAsFailures() throws Exception {
        RunReport report = SampleRuns.weeklyBuilder("run-2")
                .abortedOnBreach(new RunReport.Breach(SampleRuns.START.plusSeconds(100), "organic_error_rate", 0.07, 0.05,
                        "organic error rate 7.00% > 5%"))
                .cleanup(new RunReport.Cleanup(false, List.of("k1s0-service/order-server"), "fault route still present"))
                .build();
        Element suite = parse(ReportFiles.junitXml(report)).getDocumentElement();
        assertThat(suite.getAttribute("failures")).as("expectation + abort + cleanup failures").isEqualTo("3");
        assertThat(suite.getAttribute("tests")).as("five expectations, abort case, cleanup case").isEqualTo("7");
        assertThat(report.overall()).as("overall verdict").isEqualTo(Verdict.FAIL);
    }

    @Test
    void htmlHasTheChartsWithTheFaultWindowShadedAndLoadsNothingFromOutside() {
        String html = ReportFiles.html(SampleRuns.weekly("run-1"));
        for (String id : List.of("chart-error-rate", "chart-p99", "chart-retries", "chart-ejections", "chart-fractions")) {
            assertThat(html).as("chart %s is inline SVG", id).containsPattern("<svg id=\"" + id + "\"");
        }
        assertThat(count(html, "class=\"fault-window\"")).as("fault window shaded on error rate and P99").isEqualTo(2);
        assertThat(count(html, "class=\"error-bar\"")).as("one error bar per fraction with an interval").isEqualTo(3);
        assertThat(html).as("series are drawn").contains("class=\"series\" d=\"M");
        assertThat(html).as("no script, stylesheet link or external source")
                .doesNotContain("<script").doesNotContain("<link").doesNotContain(" src=").doesNotContain("@import");
        Matcher refs = Pattern.compile("(?:href|src)=\"([^\"]*)\"").matcher(html);
        while (refs.find()) {
            assertThat(refs.group(1)).as("only the two report links point outside").startsWith("https://");
        }
    }

    @Test
    void htmlAndMarkdownEscapeUserText() {
        RunReport report = RunReport.builder("run-x", HOSTILE, "staging")
                .window(SampleRuns.START, SampleRuns.START.plusSeconds(10))
                .expectation(new Expectation(HOSTILE, Verdict.FAIL, "ratio", 0.05, 0.09, 0.08, 0.1, 100, 50, HOSTILE))
                .links("javascript:alert(1)", null)
                .build();
        String html = ReportFiles.html(report);
        assertThat(html).as("raw user text never reaches the HTML").doesNotContain("<script>alert")
                .doesNotContain("href=\"javascript:");
        assertThat(html).as("escaped instead").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        String md = ReportFiles.markdown(report);
        assertThat(md).as("markdown has no raw HTML").doesNotContain("<script>");
        assertThat(md).as("a pipe in user text does not split the table").contains("\\|");
    }

    @Test
    void markdownSummarisesVerdictPhasesAndExpectations() {
        String md = ReportFiles.markdown(SampleRuns.weekly("run-1"));
        assertThat(md).as("title with verdict").startsWith("# Fault injection: weekly-staging — FAIL");
        assertThat(md).as("phase row").contains("| injection | 35951 | 5.40% |");
        assertThat(md).as("failing expectation explained").contains("**client P99 during injection stays under 1000 ms**");
        assertThat(md).as("cleanup line").contains("all faults removed");
    }

    @Test
    void writtenFilesNeverContainTheSecret(@TempDir Path dir) throws Exception {
        Secret token = Secret.of("GRAFANA_TOKEN", "glsa_0123456789abcdef");
        RunReport report = SampleRuns.weeklyBuilder("run-3")
                .expectation(new Expectation("leaky", Verdict.FAIL, "count", 1.0, 0.0, null, null, 1, 1,
                        "Grafana said: bad token glsa_0123456789abcdef"))
                .build();
        ReportFiles.Written w = ReportFiles.write(report, dir, token);
        for (Path p : List.of(w.json(), w.junitXml(), w.markdown(), w.html())) {
            assertThat(Files.readString(p)).as("%s is redacted", p.getFileName())
                    .doesNotContain("glsa_0123456789abcdef").contains(Secret.REDACTED);
        }
    }

    @Test
    void previousRunsAreTheSameExperimentNewestFirstSkippingForeignFiles(@TempDir Path dir) throws Exception {
        for (int week = 1; week <= 3; week++) {
            RunReport r = RunReport.builder("run-w" + week, "weekly-staging", "staging")
                    .window(SampleRuns.START.plusSeconds(604_800L * week), SampleRuns.START.plusSeconds(604_800L * week + 60))
                    .build();
            ReportFiles.write(r, dir);
        }
        ReportFiles.write(RunReport.builder("other", "another-experiment", "staging")
                .window(SampleRuns.START, SampleRuns.START.plusSeconds(1)).build(), dir);
        Files.writeString(dir.resolve("not-a-report.json"), "{\"hello\": 1}");
        List<RunReport> previous = ReportFiles.previousRuns(dir, "weekly-staging", "run-w3", 5);
        assertThat(previous).extracting(RunReport::runId).as("newest first, current run and other experiments excluded")
                .containsExactly("run-w2", "run-w1");
    }

    private static int count(String text, String needle) {
        return text.split(Pattern.quote(needle), -1).length - 1;
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }
}
