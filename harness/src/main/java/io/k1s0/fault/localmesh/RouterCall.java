package io.k1s0.fault.localmesh;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.ConnectException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Envoy's router filter for one request after the fault filter let it through: host selection, pool
 * admission, upstream attempts with {@code x-envoy-attempt-count}, per-try and route timeouts, retries
 * with jittered back-off, outlier feedback and retry stats. Confined to one Vert.x context.
 */
final class RouterCall {
    static final String RESET_BODY = "upstream connect error or disconnect/reset before headers. reset reason: ";

    private final Vertx vertx;
    private final Context context;
    private final UpstreamConnections connections;
    private final RandomGenerator random;
    private final StatsSink stats;
    private final UpstreamCluster cluster;
    private final ServiceTarget service;
    private final RetryPolicy retry;
    private final Duration timeout;
    private final UpstreamRequest request;
    private final Set<String> flags;
    private final long startNanos;
    private final Promise<ProxiedExchange> result;

    private final Set<String> triedHosts = new HashSet<>();
    private int attempt;
    private int sentAttempts;
    private int retriesDone;
    private boolean done;
    private long routeTimer = -1;
    private long backoffTimer = -1;
    private Attempt current;

    /** One upstream attempt and what it holds (a pool slot, a retry slot, a per-try timer). */
    private final class Attempt implements ConnectionPool.Waiter {
        final Endpoint host;
        final int number;
        boolean queued;
        boolean holdsSlot;
        boolean holdsRetry;
        boolean finished;
        long perTryTimer = -1;
        UpstreamConnections.Exchange exchange;

        Attempt(Endpoint host, int number, boolean holdsRetry) {
            this.host = host;
            this.number = number;
            this.holdsRetry = holdsRetry;
        }

        @Override
        public void grant() {
            context.runOnContext(v -> onSlot(this));
        }
    }

    RouterCall(Vertx vertx, Context context, UpstreamConnections connections, RandomGenerator random, StatsSink stats, UpstreamCluster cluster,
            ServiceTarget service, RetryPolicy retry, Duration timeout, UpstreamRequest request, Set<String> flags, long startNanos,
            Promise<ProxiedExchange> result) {
        this.vertx = vertx;
        this.context = context;
        this.connections = connections;
        this.random = random;
        this.stats = stats;
        this.cluster = cluster;
        this.service = service;
        this.retry = retry;
        this.timeout = timeout;
        this.request = request;
        this.flags = new LinkedHashSet<>(flags);
        this.startNanos = startNanos;
        this.result = result;
    }

    void start() {
        if (timeout != null && !timeout.isZero()) {
            // The route timeout starts with the router, after any injected delay, and spans every retry and back-off.
            routeTimer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> onRouteTimeout());
        }
        runAttempt(false);
    }

    private void runAttempt(boolean isRetry) {
        if (done) {
            if (isRetry) {
                cluster.endRetry();
            }
            return;
        }
        attempt++;
        Endpoint host = cluster.pick(retry.previousHosts() ? triedHosts : Set.of());
        if (host == null) {
            if (isRetry) {
                cluster.endRetry();
            }
            finishLocal(503, "no healthy upstream", ResponseFlags.NO_HEALTHY_UPSTREAM, MultiMap.caseInsensitiveMultiMap());
            return;
        }
        triedHosts.add(host.hostKey());
        Attempt a = new Attempt(host, attempt, isRetry);
        current = a;
        switch (cluster.admit(host, a)) {
            case OVERFLOW -> {
                a.finished = true;
                releaseRetry(a);
                // Overflow is never retried (retry_state_impl.cc) and Envoy marks the reply x-envoy-overloaded.
                finishLocal(503, RESET_BODY + "overflow", ResponseFlags.UPSTREAM_OVERFLOW,
                        MultiMap.caseInsensitiveMultiMap().add("x-envoy-overloaded", "true"));
            }
            case QUEUED -> a.queued = true;
            case ADMITTED -> onSlot(a);
        }
    }

    private void onSlot(Attempt a) {
        a.queued = false;
        a.holdsSlot = true;
        if (a.finished || done) {
            endAttempt(a);
            return;
        }
        sentAttempts++;
        stats.increment(cluster.name(), "upstream_rq_total", 1);
        if (retry.perTryTimeout() != null) {
            a.perTryTimer = vertx.setTimer(Math.max(1, retry.perTryTimeout().toMillis()), id -> onPerTryTimeout(a));
        }
        // Attempts run one after another, so each sets its count on the one header map (the request copies it).
        request.headers().set("x-envoy-attempt-count", Integer.toString(a.number));
        ClusterPolicy policy = cluster.policy();
        a.exchange = connections.send(context, cluster.name(), a.host, request, policy.connectTimeout().toMillis(),
                policy.pool().maxRequestsPerConnection(), done -> {
                    if (done.succeeded()) {
                        onResponse(a, done.result());
                    } else {
                        onReset(a, classify(done.cause()));
                    }
                });
    }

    private static RetryPolicy.Reset classify(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return RetryPolicy.Reset.CONNECT_FAILURE;
            }
        }
        return RetryPolicy.Reset.CONNECTION_TERMINATION;
    }

    private void onResponse(Attempt a, UpstreamConnections.Response response) {
        if (a.finished || done) {
            return;
        }
        endAttempt(a);
        cluster.recordOutcome(a.host, response.status());
        if (retry.enabled() && retry.retriesResponse(response.status(), response.headers())) {
            retryOrFinish(() -> finishUpstream(a, response));
            return;
        }
        if (a.number > 1) {
            stats.increment(cluster.name(), "upstream_rq_retry_success", 1);
        }
        finishUpstream(a, response);
    }

    private void onReset(Attempt a, RetryPolicy.Reset reset) {
        if (a.finished || done) {
            return;
        }
        endAttempt(a);
        // Default (non-split) outlier mode: local-origin failures count as 503.
        cluster.recordOutcome(a.host, 503);
        boolean connect = reset == RetryPolicy.Reset.CONNECT_FAILURE;
        String flag = connect ? ResponseFlags.UPSTREAM_CONNECTION_FAILURE : ResponseFlags.UPSTREAM_CONNECTION_TERMINATION;
        String body = RESET_BODY + (connect ? "connection failure" : "connection termination");
        Runnable finish = () -> finishLocal(503, body, flag, MultiMap.caseInsensitiveMultiMap());
        if (retry.enabled() && retry.retriesReset(reset)) {
            retryOrFinish(finish);
        } else {
            finish.run();
        }
    }

    private void onPerTryTimeout(Attempt a) {
        if (a.finished || done) {
            return;
        }
        stats.increment(cluster.name(), "upstream_rq_per_try_timeout", 1);
        // End the attempt before resetting: whatever the abandoned exchange still reports is then ignored.
        endAttempt(a);
        if (a.exchange != null) {
            a.exchange.reset();
        }
        cluster.recordOutcome(a.host, 504);
        Runnable finish = () -> finishLocal(504, "upstream request timeout", ResponseFlags.UPSTREAM_REQUEST_TIMEOUT, MultiMap.caseInsensitiveMultiMap());
        if (retry.enabled() && retry.retriesPerTryTimeout()) {
            retryOrFinish(finish);
        } else {
            finish.run();
        }
    }

    private void onRouteTimeout() {
        routeTimer = -1;
        if (done) {
            return;
        }
        stats.increment(cluster.name(), "upstream_rq_timeout", 1);
        Attempt a = current;
        if (a != null && !a.finished) {
            boolean inFlight = a.holdsSlot;
            endAttempt(a);
            if (a.exchange != null) {
                a.exchange.reset();
            }
            if (inFlight) {
                cluster.recordOutcome(a.host, 504);
            }
        }
        finishLocal(504, "upstream request timeout", ResponseFlags.UPSTREAM_REQUEST_TIMEOUT, MultiMap.caseInsensitiveMultiMap());
    }

    /**
     * A retriable outcome: retry if the budget allows, else finish with it. Retries exhausted sets URX
     * (router.cc NoRetryLimitExceeded); the retry circuit breaker sets UO (NoOverflow).
     */
    private void retryOrFinish(Runnable finish) {
        if (retriesDone >= retry.numRetries()) {
            stats.increment(cluster.name(), "upstream_rq_retry_limit_exceeded", 1);
            flags.add(ResponseFlags.RETRY_LIMIT_EXCEEDED);
            finish.run();
            return;
        }
        retriesDone++;
        if (!cluster.tryStartRetry()) {
            flags.add(ResponseFlags.UPSTREAM_OVERFLOW);
            finish.run();
            return;
        }
        stats.increment(cluster.name(), "upstream_rq_retry", 1);
        stats.increment(cluster.name(), "upstream_rq_retry_backoff_exponential", 1);
        long wait = Backoff.millis(retriesDone, random);
        if (wait == 0) {
            context.runOnContext(v -> runAttempt(true));
        } else {
            backoffTimer = vertx.setTimer(wait, id -> {
                backoffTimer = -1;
                runAttempt(true);
            });
        }
    }

    private void endAttempt(Attempt a) {
        a.finished = true;
        if (a.perTryTimer >= 0) {
            vertx.cancelTimer(a.perTryTimer);
            a.perTryTimer = -1;
        }
        if (a.queued) {
            // Still waiting for a slot: take it off the queue; if it was just granted, onSlot releases it.
            if (cluster.cancelQueued(a.host, a)) {
                a.queued = false;
            }
        } else if (a.holdsSlot) {
            a.holdsSlot = false;
            cluster.release(a.host);
        }
        releaseRetry(a);
    }

    private void releaseRetry(Attempt a) {
        if (a.holdsRetry) {
            a.holdsRetry = false;
            cluster.endRetry();
        }
    }

    private void finishUpstream(Attempt a, UpstreamConnections.Response response) {
        MultiMap headers = HopByHop.removeFrom(response.headers());
        headers.set("x-envoy-upstream-service-time", Long.toString((System.nanoTime() - startNanos) / 1_000_000));
        finish(response.status(), headers, response.body(), a.host);
    }

    private void finishLocal(int status, String body, String flag, MultiMap extraHeaders) {
        flags.add(flag);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(extraHeaders).set("content-type", "text/plain");
        finish(status, headers, Buffer.buffer(body), null);
    }

    private void finish(int status, MultiMap headers, Buffer body, Endpoint endpoint) {
        if (done) {
            return;
        }
        done = true;
        if (routeTimer >= 0) {
            vertx.cancelTimer(routeTimer);
        }
        if (backoffTimer >= 0) {
            vertx.cancelTimer(backoffTimer);
            backoffTimer = -1;
            // The retry that was waiting never ran; give its retry slot back.
            cluster.endRetry();
        }
        result.tryComplete(new ProxiedExchange(status, headers, body, Set.copyOf(flags), service, endpoint, sentAttempts,
                System.nanoTime() - startNanos));
    }
}
