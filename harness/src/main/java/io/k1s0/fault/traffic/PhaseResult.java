package io.k1s0.fault.traffic;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one phase (or the whole run, see {@link TrafficResult#total()}) sent and got back. Immutable; the
 * histograms returned are copies in microseconds.
 */
public final class PhaseResult {

    private final String name;
    private final double targetRate;
    private final Instant start;
    private final Instant end;
    private final Duration sendWindow;
    private final long scheduled;
    private final long sent;
    private final long dropped;
    private final long[] byStatus;
    private final long[] byError;
    private final Histogram latency;
    private final Histogram serviceTime;
    private final Histogram sendLateness;

    PhaseResult(String name, double targetRate, Instant start, Instant end, Duration sendWindow, long scheduled, long sent,
            long dropped, long[] byStatus, long[] byError, Histogram latency, Histogram serviceTime, Histogram sendLateness) {
        this.name = name;
        this.targetRate = targetRate;
        this.start = start;
        this.end = end;
        this.sendWindow = sendWindow;
        this.scheduled = scheduled;
        this.sent = sent;
        this.dropped = dropped;
        this.byStatus = byStatus;
        this.byError = byError;
        this.latency = latency;
        this.serviceTime = serviceTime;
        this.sendLateness = sendLateness;
    }

    static PhaseResult merge(String name, Iterable<PhaseResult> parts) {
        long[] status = new long[600];
        long[] errors = new long[TransportError.values().length];
        Histogram lat = Histograms.create();
        Histogram svc = Histograms.create();
        Histogram late = Histograms.create();
        long scheduled = 0;
        long sent = 0;
        long dropped = 0;
        Duration window = Duration.ZERO;
        Instant start = null;
        Instant end = null;
        for (PhaseResult p : parts) {
            for (int i = 0; i < status.length; i++) {
                status[i] += p.byStatus[i];
            }
            for (int i = 0; i < errors.length; i++) {
                errors[i] += p.byError[i];
            }
            lat.add(p.latency);
            svc.add(p.serviceTime);
            late.add(p.sendLateness);
            scheduled += p.scheduled;
            sent += p.sent;
            dropped += p.dropped;
            window = window.plus(p.sendWindow);
            start = start == null || p.start.isBefore(start) ? p.start : start;
            end = end == null || p.end.isAfter(end) ? p.end : end;
        }
        double rate = window.isZero() ? 0 : scheduled / (window.toNanos() / 1e9);
        Instant now = Instant.now();
        return new PhaseResult(name, rate, start == null ? now : start, end == null ? now : end, window, scheduled, sent,
                dropped, status, errors, lat, svc, late);
    }

    /** Phase name ({@code "total"} for the whole run). */
    public String name() {
        return name;
    }

    /** Planned arrival rate in requests per second. */
    public double targetRate() {
        return targetRate;
    }

    public Instant start() {
        return start;
    }

    /** When the phase stopped sending (not when its last response arrived). */
    public Instant end() {
        return end;
    }

    /** Slots on the arrival grid that came due: {@code sent() + dropped()}. */
    public long scheduled() {
        return scheduled;
    }

    /** Requests handed to the engine. */
    public long sent() {
        return sent;
    }

    /** Grid slots not sent because the in-flight bound was reached (counted, never silently skipped). */
    public long dropped() {
        return dropped;
    }

    /** Requests that got an HTTP response (any status). */
    public long responses() {
        long n = 0;
        for (long c : byStatus) {
            n += c;
        }
        return n;
    }

    public long responses(int status) {
        return status >= 0 && status < byStatus.length ? byStatus[status] : 0;
    }

    /** Response counts by status code, ascending. */
    public Map<Integer, Long> responsesByStatus() {
        Map<Integer, Long> m = new TreeMap<>();
        for (int i = 0; i < byStatus.length; i++) {
            if (byStatus[i] > 0) {
                m.put(i, byStatus[i]);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    public long transportErrors() {
        long n = 0;
        for (long c : byError) {
            n += c;
        }
        return n;
    }

    public long transportErrors(TransportError kind) {
        return byError[kind.ordinal()];
    }

    public Map<TransportError, Long> transportErrorsByKind() {
        Map<TransportError, Long> m = new EnumMap<>(TransportError.class);
        for (TransportError k : TransportError.values()) {
            if (byError[k.ordinal()] > 0) {
                m.put(k, byError[k.ordinal()]);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** Sent but neither answered nor failed when the run ended (abandoned after the drain timeout). */
    public long unfinished() {
        return Math.max(0, sent - responses() - transportErrors());
    }

    /**
     * Latency from the <em>intended</em> send time on the arrival grid to the end of the response, in
     * microseconds: corrected for coordinated omission. Responses only; transport errors are counted apart.
     */
    public Histogram latency() {
        return latency.copy();
    }

    /**
     * Latency from the moment the request held a connection and was written, in microseconds: what a
     * closed-loop client would report (not corrected for coordinated omission). For comparison only.
     */
    public Histogram serviceTime() {
        return serviceTime.copy();
    }

    /** Actual dispatch time minus intended time, in microseconds: how well the generator kept the grid. */
    public Histogram sendLateness() {
        return sendLateness.copy();
    }

    /** Fraction (0..1) of sent requests dispatched later than {@code threshold} after their intended time. */
    public double fractionSentLaterThan(Duration threshold) {
        long total = sendLateness.getTotalCount();
        if (total == 0) {
            return 0;
        }
        long thresholdMicros = threshold.toNanos() / 1_000;
        long notLater = sendLateness.getCountBetweenValues(0, thresholdMicros);
        return Math.max(0, total - notLater) / (double) total;
    }

    /** Sent requests per second over the phase's send window. */
    public double achievedRate() {
        return sendWindow.isZero() ? 0 : sent / (sendWindow.toNanos() / 1e9);
    }

    /** Wall time the phase spent sending. */
    public Duration sendWindow() {
        return sendWindow;
    }

    /** e.g. {@code injection: 2000 sent (0 dropped) 199.9 rps; 200×1900 503×100; errors none; p50 1.2 ms p99 4.0 ms}. */
    public String summary() {
        StringJoiner codes = new StringJoiner(" ");
        responsesByStatus().forEach((code, n) -> codes.add(code + "×" + n));
        StringJoiner errs = new StringJoiner(" ");
        transportErrorsByKind().forEach((kind, n) -> errs.add(kind + "×" + n));
        return String.format(Locale.ROOT, "%s: %d sent (%d dropped) %.1f rps; %s; errors %s; p50 %s p99 %s",
                name, sent, dropped, achievedRate(), codes.length() == 0 ? "no responses" : codes,
                errs.length() == 0 ? "none" : errs, Histograms.millis(Histograms.percentile(latency, 50)),
                Histograms.millis(Histograms.percentile(latency, 99)));
    }

    @Override
    public String toString() {
        return summary();
    }
}
