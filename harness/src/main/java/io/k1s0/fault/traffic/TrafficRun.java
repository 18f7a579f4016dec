package io.k1s0.fault.traffic;

import io.vertx.core.Context;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running (or finished) open-model traffic run. A scheduler thread walks the arrival grid
 * {@code t0 + i / rate} of each phase and hands due requests to the engine's event loop; latency is measured
 * from the intended grid time, so a stalled backend shows up in every request that should have been sent
 * during the stall (coordinated-omission correction). A once-per-second ticker builds the time series.
 */
public final class TrafficRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrafficRun.class);
    private static final int MAX_SERIES = 200_000;
    private static final int MAX_BATCH = 256;

    private final Traffic traffic;
    private final RequestTemplate template;
    private final List<PhasePlan> plan;
    private final long maxRequests;
    private final Duration maxDuration;
    private final int maxInFlight;
    private final java.util.function.Consumer<String> onPhaseStart;

    private final List<PhaseRecorder> recorders = new CopyOnWriteArrayList<>();
    private final List<SecondSample> series = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final CompletableFuture<TrafficResult> result = new CompletableFuture<>();
    private final Thread scheduler;
    private volatile boolean stopRequested;
    private volatile boolean sendingDone;
    private volatile long runStartNanos;
    private volatile Instant runStart = Instant.now();
    private long ticks;

    TrafficRun(Traffic traffic, RequestTemplate template, List<PhasePlan> plan, long maxRequests, Duration maxDuration,
            int maxInFlight, java.util.function.Consumer<String> onPhaseStart) {
        this.traffic = traffic;
        this.template = template;
        this.plan = plan;
        this.maxRequests = maxRequests;
        this.maxDuration = maxDuration;
        this.maxInFlight = maxInFlight;
        this.onPhaseStart = onPhaseStart;
        this.scheduler = new Thread(this::runSafely, "k1s0-traffic-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    /** Asks the run to stop sending; in-flight requests still finish (bounded by the request timeout). */
    public void stop() {
        stopRequested = true;
        LockSupport.unpark(scheduler);
    }

    public boolean isDone() {
        return result.isDone();
    }

    /** The numbers so far (stop reason {@link StopReason#RUNNING} while sending), or the final result. */
    public TrafficResult snapshot() {
        if (result.isDone() && !result.isCompletedExceptionally()) {
            return result.join();
        }
        return buildResult(StopReason.RUNNING);
    }

    /** Waits for the run to end by itself (the plan's caps bound how long that takes). */
    public TrafficResult awaitResult() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new TrafficException("interrupted while waiting for the traffic run; stop requested", e);
        } catch (ExecutionException e) {
            throw new TrafficException("traffic run failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Waits at most {@code timeout}; then stops the run and throws. */
    public TrafficResult awaitResult(Duration timeout) {
        try {
            return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            stop();
            throw new TrafficException("traffic run not finished within " + timeout + "; stop requested. So far: "
                    + snapshot().summary(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new TrafficException("interrupted while waiting for the traffic run; stop requested", e);
        } catch (ExecutionException e) {
            throw new TrafficException("traffic run failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Stops and waits for the final result. */
    @Override
    public void close() {
        stop();
        try {
            result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.debug("Traffic run had failed", e.getCause());
        }
    }

    private void runSafely() {
        EngineOptions options = traffic.options();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "k1s0-traffic-ticker");
            t.setDaemon(true);
            return t;
        });
        try (HttpEngine engine = new HttpEngine(traffic.vantage(), options)) {
            runStartNanos = System.nanoTime();
            runStart = Instant.now();
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
            StopReason reason = schedule(engine, HttpEngine.optionsFor(template, options));
            sendingDone = true;
            if (inFlight.get() == 0) {
                drained.complete(null);
            }
            Duration drainTimeout = options.connectTimeout().plus(options.requestTimeout()).plusSeconds(1);
            try {
                drained.get(drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                LOG.warn("{} request(s) still in flight {} after sending stopped; counted as unfinished", inFlight.get(), drainTimeout);
            }
            ticker.shutdownNow();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            tick();
            TrafficResult done = buildResult(reason);
            LOG.info("Traffic run finished: {}", done.summary());
            result.complete(done);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        } finally {
            ticker.shutdownNow();
        }
    }

    private StopReason schedule(HttpEngine engine, RequestOptions request) {
        byte[] body = template.body();
        List<Context> loops = engine.contexts();
        long deadline = runStartNanos + maxDuration.toNanos();
        long[] batch = new long[MAX_BATCH];
        long scheduledTotal = 0;
        long gridT0 = runStartNanos;
        int loop = 0;
        for (int p = 0; p < plan.size(); p++) {
            PhasePlan phase = plan.get(p);
            if (p > 0 && scheduledTotal >= maxRequests) {
                return StopReason.MAX_REQUESTS;
            }
            try {
                onPhaseStart.accept(phase.name());
            } catch (RuntimeException e) {
                throw new TrafficException("onPhaseStart hook failed for phase '" + phase.name() + "'", e);
            }
            long t0 = Math.max(gridT0, System.nanoTime());
            PhaseRecorder rec = new PhaseRecorder(phase.name(), phase.rate(), t0, Instant.now());
            recorders.add(rec);
            long planned = phase.plannedRequests();
            long lastIntended = t0;
            long i = 0;
            StopReason stopped = null;
            while (i < planned && stopped == null) {
                long now = System.nanoTime();
                if (stopRequested) {
                    stopped = StopReason.STOPPED;
                    break;
                }
                if (now - deadline >= 0) {
                    stopped = StopReason.MAX_DURATION;
                    break;
                }
                long due = t0 + phase.intendedOffsetNanos(i);
                if (due - now > 0) {
                    // Pacing: wait for the next slot on the arrival grid (not waiting for a state).
                    LockSupport.parkNanos(Math.min(due, deadline) - now);
                    continue;
                }
                int n = 0;
                while (i < planned && n < MAX_BATCH && (due = t0 + phase.intendedOffsetNanos(i)) - now <= 0) {
                    if (scheduledTotal >= maxRequests) {
                        stopped = StopReason.MAX_REQUESTS;
                        break;
                    }
                    scheduledTotal++;
                    rec.scheduled.increment();
                    lastIntended = due;
                    if (inFlight.get() >= maxInFlight) {
                        rec.dropped.increment();
                    } else {
                        inFlight.incrementAndGet();
                        batch[n++] = due;
                    }
                    i++;
                }
                if (n > 0) {
                    dispatch(loops.get(loop++ % loops.size()), engine, request, body, rec, Arrays.copyOf(batch, n));
                }
            }
            long now = System.nanoTime();
            long gridEnd = lastIntended + Math.round(1e9 / phase.rate());
            rec.sendingFinished(lastIntended, stopped == null ? Math.max(gridEnd, now) : now, Instant.now());
            if (stopped != null) {
                return stopped;
            }
            gridT0 = t0 + phase.gridLengthNanos();
        }
        return StopReason.COMPLETED;
    }

    private void dispatch(Context loop, HttpEngine engine, RequestOptions request, byte[] body, PhaseRecorder rec, long[] intended) {
        loop.runOnContext(ignored -> {
            for (long due : intended) {
                rec.recordSend(due, System.nanoTime());
                engine.send(request, body, new HttpEngine.Outcome() {
                    @Override
                    public void onResponse(int status, long writtenNanos, long endNanos) {
                        rec.recordResponse(status, due, writtenNanos, endNanos);
                        finished();
                    }

                    @Override
                    public void onError(TransportError kind, Throwable failure, long endNanos) {
                        rec.recordError(kind);
                        LOG.trace("Request failed with {}", kind, failure);
                        finished();
                    }
                });
            }
        });
    }

    private void finished() {
        if (inFlight.decrementAndGet() == 0 && sendingDone) {
            drained.complete(null);
        }
    }

    private synchronized void tick() {
        long second = ticks++;
        for (PhaseRecorder rec : recorders) {
            SecondSample sample = rec.tick(second);
            if (sample != null && series.size() < MAX_SERIES) {
                series.add(sample);
            }
        }
    }

    private TrafficResult buildResult(StopReason reason) {
        long now = System.nanoTime();
        Instant nowInstant = Instant.now();
        List<PhaseResult> phases = new ArrayList<>();
        for (PhaseRecorder rec : recorders) {
            phases.add(rec.snapshot(now, nowInstant));
        }
        List<SecondSample> seriesCopy;
        synchronized (this) {
            seriesCopy = List.copyOf(series);
        }
        return new TrafficResult(traffic.vantage().toString(), template.toString(), phases, seriesCopy, reason, runStart, nowInstant);
    }
}
