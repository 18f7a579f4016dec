package io.k1s0.fault.localmesh;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;

/**
 * One sidecar under test: Vert.x, fake upstream replicas, a replaceable config snapshot, a fake clock for
 * outlier detection, a seeded random source (so statistical tests are reproducible, not flaky) and stats.
 */
final class MeshFixture implements AutoCloseable {
    static final String NS = "shop";
    static final double CONFIDENCE = 0.9999;

    final Vertx vertx = Vertx.vertx();
    final RecordingStats stats = new RecordingStats();
    final AtomicLong clockNanos = new AtomicLong(1_000_000_000L);
    final AtomicReference<MeshConfig> config = new AtomicReference<>(YamlMesh.builder().build());
    private final List<FakeUpstream> upstreams = new ArrayList<>();
    private final SplittableRandom seeded = new SplittableRandom(20241124L);
    final RandomGenerator random = () -> {
        synchronized (seeded) {
            return seeded.nextLong();
        }
    };
    final EnvoyOutbound outbound = new EnvoyOutbound(vertx, "frontend", NS, config::get, stats, random, clockNanos::get);

    FakeUpstream upstream(String pod, String version) {
        FakeUpstream u = FakeUpstream.start(vertx, pod, Map.of("app", pod.replaceAll("-\\d+$", ""), "version", version));
        upstreams.add(u);
        return u;
    }

    void apply(YamlMesh mesh) {
        config.set(mesh);
    }

    void advanceClock(Duration d) {
        clockNanos.addAndGet(d.toNanos());
    }

    ProxiedExchange get(String host, String path) {
        return send(HttpMethod.GET, host, 80, path, MultiMap.caseInsensitiveMultiMap());
    }

    ProxiedExchange send(HttpMethod method, String host, int port, String path, MultiMap headers) {
        try {
            // The handler owns the map it is given, as a sidecar gives it each request's own; tests may reuse theirs.
            return outbound.handle(method, host, port, path, MultiMap.caseInsensitiveMultiMap().addAll(headers), Buffer.buffer())
                    .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("request " + method + " " + host + path + " did not complete", e);
        }
    }

    static MultiMap headers(String... nameValue) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.add(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    /** 99.99 % Clopper-Pearson interval of an observed count. */
    static ConfidenceInterval interval(int trials, int successes) {
        return BinomialProportion.getClopperPearsonInterval(trials, (double) successes / trials, CONFIDENCE);
    }

    @Override
    public void close() throws Exception {
        outbound.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        for (FakeUpstream u : upstreams) {
            u.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
