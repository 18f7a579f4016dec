package io.k1s0.fault.report;

import io.k1s0.fault.report.RunReport.Expectation;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The Surefire/Jenkins JUnit XML shape: one {@code testsuite} named after the experiment, one {@code testcase} per
 * expectation; FAIL becomes {@code <failure message>}, INCONCLUSIVE becomes {@code <skipped message>}. An aborted
 * run or failed cleanup adds a failing test case of its own, so CI sees it even if every expectation passed.
 */
final class JUnitXmlWriter {

    private JUnitXmlWriter() {
    }

    static String write(RunReport report) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            long failures = report.expectations().stream().filter(e -> e.verdict() == RunReport.Verdict.FAIL).count();
            long skipped = report.expectations().stream().filter(e -> e.verdict() == RunReport.Verdict.INCONCLUSIVE).count();
            int extra = 0;
            if (report.abortedOnBreach() != null) {
                extra++;
            }
            if (report.cleanup() != null) {
                extra++;
                if (!report.cleanup().faultsRemoved()) {
                    failures++;
                }
            }
            if (report.abortedOnBreach() != null) {
                failures++;
            }
            String suite = "fault-injection." + report.experiment();
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", suite);
            xml.writeAttribute("tests", Integer.toString(report.expectations().size() + extra));
            xml.writeAttribute("failures", Long.toString(failures));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", Long.toString(skipped));
            xml.writeAttribute("time", seconds(report.duration()));
            // The common JUnit XSD's timestamp has no zone; the value is UTC.
            xml.writeAttribute("timestamp", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
                    .withZone(java.time.ZoneOffset.UTC).format(report.start()));
            xml.writeStartElement("properties");
            property(xml, "runId", report.runId());
            property(xml, "environment", report.environment());
            if (report.links().report() != null) {
                property(xml, "reportUrl", report.links().report());
            }
            xml.writeEndElement();
            for (Expectation e : report.expectations()) {
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", suite);
                xml.writeAttribute("name", e.name());
                xml.writeAttribute("time", "0");
                String detail = detail(e);
                if (e.verdict() == RunReport.Verdict.FAIL) {
                    xml.writeStartElement("failure");
                    xml.writeAttribute("message", e.message() == null ? detail : e.message());
                    xml.writeAttribute("type", "ExpectationFailed");
                    xml.writeCharacters(detail);
                    xml.writeEndElement();
                } else if (e.verdict() == RunReport.Verdict.INCONCLUSIVE) {
                    xml.writeStartElement("skipped");
                    xml.writeAttribute("message", e.message() == null ? detail : e.message());
                    xml.writeEndElement();
                } else {
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(detail);
                    xml.writeEndElement();
                }
                xml.writeEndElement();
            }
            if (report.abortedOnBreach() != null) {
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", suite);
                xml.writeAttribute("name", "injection was not aborted on breach");
                xml.writeAttribute("time", "0");
                xml.writeStartElement("failure");
                xml.writeAttribute("message", report.abortedOnBreach().message());
                xml.writeAttribute("type", "AbortedOnBreach");
                xml.writeEndElement();
                xml.writeEndElement();
            }
            if (report.cleanup() != null) {
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", suite);
                xml.writeAttribute("name", "faults were removed");
                xml.writeAttribute("time", "0");
                if (!report.cleanup().faultsRemoved()) {
                    xml.writeStartElement("failure");
                    xml.writeAttribute("message", "still present: " + String.join(", ", report.cleanup().remaining()));
                    xml.writeAttribute("type", "CleanupFailed");
                    xml.writeEndElement();
                }
                xml.writeEndElement();
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write JUnit XML for run " + report.runId(), e);
        }
        return out.toString();
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", value);
    }

    private static String detail(Expectation e) {
        StringBuilder s = new StringBuilder()
                .append("expected ").append(Numbers.inUnit(e.expected(), e.unit()))
                .append(", actual ").append(Numbers.inUnit(e.actual(), e.unit()));
        if (e.hasInterval()) {
            s.append(" [").append(Numbers.inUnit(e.intervalLow(), e.unit())).append(", ")
                    .append(Numbers.inUnit(e.intervalHigh(), e.unit())).append(']');
        }
        return s.append(", samples ").append(e.samples()).append(" (").append(e.neededSamples()).append(" needed)")
                .toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toMillis() / 1000.0);
    }
}
