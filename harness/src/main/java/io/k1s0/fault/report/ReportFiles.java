package io.k1s0.fault.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the four report files of a run into a directory and reads earlier runs back. Every text written goes
 * through the given secrets' redaction, so a token that leaked into a message never reaches a file.
 */
public final class ReportFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ReportFiles.class);

    private ReportFiles() {
    }

    /** The paths of one run's files. */
    public record Written(Path json, Path junitXml, Path markdown, Path html) {
    }

    /** Writes {@code <runId>.json}, {@code <runId>-junit.xml}, {@code <runId>.md} and {@code <runId>.html}. */
    public static Written write(RunReport report, Path dir, Secret... secrets) {
        String base = fileSafe(report.runId());
        try {
            Files.createDirectories(dir);
            Written w = new Written(dir.resolve(base + ".json"), dir.resolve("TEST-" + base + ".xml"),
                    dir.resolve(base + ".md"), dir.resolve(base + ".html"));
            Files.writeString(w.json(), Secret.redact(json(report), secrets), StandardCharsets.UTF_8);
            Files.writeString(w.junitXml(), Secret.redact(junitXml(report), secrets), StandardCharsets.UTF_8);
            Files.writeString(w.markdown(), Secret.redact(markdown(report), secrets), StandardCharsets.UTF_8);
            Files.writeString(w.html(), Secret.redact(html(report), secrets), StandardCharsets.UTF_8);
            LOG.info("Wrote reports of run {} to {}", report.runId(), dir);
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reports of run " + report.runId() + " to " + dir, e);
        }
    }

    public static String json(RunReport report) {
        return ReportJson.write(report);
    }

    public static String junitXml(RunReport report) {
        return JUnitXmlWriter.write(report);
    }

    public static String markdown(RunReport report) {
        return MarkdownWriter.write(report);
    }

    public static String html(RunReport report) {
        return HtmlReportWriter.write(report);
    }

    public static RunReport read(Path jsonFile) {
        return ReportJson.read(jsonFile);
    }

    /**
     * Earlier runs of the same experiment found as result JSON in {@code dir}, newest first, at most {@code max}.
     * Files that are not run reports are skipped with a warning, so one bad file does not hide the history.
     */
    public static List<RunReport> previousRuns(Path dir, String experiment, String excludeRunId, int max) {
        List<RunReport> runs = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return runs;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                try {
                    RunReport r = ReportJson.read(file);
                    if (r.experiment().equals(experiment) && !r.runId().equals(excludeRunId)) {
                        runs.add(r);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Skipping {} while looking for previous runs: {}", file, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot list previous runs in {}: {}", dir, e.toString());
        }
        runs.sort(Comparator.comparing(RunReport::end).reversed());
        return runs.size() > max ? List.copyOf(runs.subList(0, max)) : List.copyOf(runs);
    }

    static String fileSafe(String runId) {
        return runId.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
