package io.k1s0.fault.traffic;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Live, thread-safe counters and histograms of one phase. Writers (the scheduler and event loops) never
 * block: counts are adders and latencies go into HdrHistogram {@link Recorder}s; readers flush the recorders
 * under this object's lock. Memory is fixed: no per-request storage.
 */
final class PhaseRecorder {

    private static final int STATUS_SLOTS = 600;

    final String name;
    final double rate;
    final long startNanos;
    final Instant start;

    final LongAdder scheduled = new LongAdder();
    final LongAdder sent = new LongAdder();
    final LongAdder dropped = new LongAdder();
    private final AtomicLongArray statuses = new AtomicLongArray(STATUS_SLOTS);
    private final AtomicLongArray errors = new AtomicLongArray(TransportError.values().length);
    private final LongAdder secondCount = new LongAdder();
    private final LongAdder secondErrors = new LongAdder();

    private final Recorder latency = recorder();
    private final Recorder serviceTime = recorder();
    private final Recorder lateness = recorder();

    // Guarded by this.
    private final Histogram latencyTotal = Histograms.create();
    private final Histogram serviceTotal = Histograms.create();
    private final Histogram latenessTotal = Histograms.create();
    private final Histogram latencySecond = Histograms.create();
    private final Histogram scratch = Histograms.create();
    private long sendWindowEndNanos;
    private long lastIntendedNanos;
    private boolean sendingDone;
    private Instant end;

    PhaseRecorder(String name, double rate, long startNanos, Instant start) {
        this.name = name;
        this.rate = rate;
        this.startNanos = startNanos;
        this.start = start;
    }

    private static Recorder recorder() {
        return new Recorder(Histograms.LOWEST_MICROS, Histograms.HIGHEST_MICROS, Histograms.SIGNIFICANT_DIGITS);
    }

    void recordSend(long intendedNanos, long actualNanos) {
        sent.increment();
        lateness.recordValue(Histograms.micros(actualNanos - intendedNanos));
    }

    void recordResponse(int status, long intendedNanos, long writtenNanos, long endNanos) {
        if (status >= 0 && status < STATUS_SLOTS) {
            statuses.incrementAndGet(status);
        }
        latency.recordValue(Histograms.micros(endNanos - intendedNanos));
        serviceTime.recordValue(Histograms.micros(endNanos - writtenNanos));
        secondCount.increment();
        if (status >= 500) {
            secondErrors.increment();
        }
    }

    void recordError(TransportError kind) {
        errors.incrementAndGet(kind.ordinal());
        secondCount.increment();
        secondErrors.increment();
    }

    synchronized void sendingFinished(long lastIntendedNanos, long windowEndNanos, Instant end) {
        this.lastIntendedNanos = lastIntendedNanos;
        this.sendWindowEndNanos = windowEndNanos;
        this.end = end;
        this.sendingDone = true;
    }

    synchronized boolean isSendingDone() {
        return sendingDone;
    }

    private void flush() {
        latency.getIntervalHistogramInto(scratch);
        latencyTotal.add(scratch);
        latencySecond.add(scratch);
        serviceTime.getIntervalHistogramInto(scratch);
        serviceTotal.add(scratch);
        lateness.getIntervalHistogramInto(scratch);
        latenessTotal.add(scratch);
    }

    /** Closes the current one-second interval; null when nothing finished in it and the phase stopped sending. */
    synchronized SecondSample tick(long second) {
        flush();
        long count = secondCount.sumThenReset();
        long errs = secondErrors.sumThenReset();
        if (count == 0 && sendingDone) {
            latencySecond.reset();
            return null;
        }
        SecondSample sample = new SecondSample(second, name, count, errs, Histograms.percentile(latencySecond, 99.0));
        latencySecond.reset();
        return sample;
    }

    synchronized PhaseResult snapshot(long nowNanos, Instant now) {
        flush();
        long[] byStatus = new long[STATUS_SLOTS];
        for (int i = 0; i < STATUS_SLOTS; i++) {
            byStatus[i] = statuses.get(i);
        }
        long[] byError = new long[errors.length()];
        for (int i = 0; i < byError.length; i++) {
            byError[i] = errors.get(i);
        }
        long windowEnd = sendingDone ? sendWindowEndNanos : nowNanos;
        return new PhaseResult(name, rate, start, sendingDone ? end : now, Duration.ofNanos(Math.max(0, windowEnd - startNanos)),
                scheduled.sum(), sent.sum(), dropped.sum(), byStatus, byError,
                latencyTotal.copy(), serviceTotal.copy(), latenessTotal.copy());
    }

    synchronized long lastIntendedNanos() {
        return lastIntendedNanos;
    }
}
