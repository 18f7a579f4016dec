package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A sidecar counts a request before the caller can see its response, so a direct scrape taken right after the
 * response (a ScrapeSource closing its window) never misses it. The telemetry here, while recording, waits a bounded
 * time for the caller to have the response: a sidecar that answered first lets that happen; one that records first
 * cannot, and the wait runs out.
 */
class SidecarRecordsBeforeAnsweringTest {

    private static final Duration CHANCE_TO_ANSWER_FIRST = Duration.ofMillis(500);
    private static final SidecarIdentity SERVER =
            new SidecarIdentity("order-server-0", "order-server", "k1s0-service", "order-server", "v1", "order-server", 8080);

    private Vertx vertx;
    private final CountDownLatch callerHasResponse = new CountDownLatch(1);
    private final List<Boolean> responseSeenBeforeRecording = new CopyOnWriteArrayList<>();

    /** Records normally, after noting whether the caller already had the response (waiting at most a bound). */
    private final class WatchingTelemetry extends Telemetry {
        @Override
        void recordRequest(Labels labels, double durationMs) {
            try {
                // bounded wait for an event that must not happen before the response is ended; not a pacing sleep
                responseSeenBeforeRecording.add(callerHasResponse.await(CHANCE_TO_ANSWER_FIRST.toMillis(), TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.recordRequest(labels, durationMs);
        }
    }

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private Sidecar startSidecar(OutboundHandlerFactory dataPlane) throws Exception {
        EchoServer app = new EchoServer(vertx, SERVER.workload(), SERVER.version(), SERVER.pod(), EchoBehaviour.NONE);
        app.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new Sidecar(vertx, SERVER, app, new WatchingTelemetry()).start(dataPlane, () -> null)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int call(HttpClient client, URI uri) throws Exception {
        return client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> callerHasResponse.countDown())
                .get(10, TimeUnit.SECONDS).statusCode();
    }

    @Test
    void theInboundListenerCountsTheRequestBeforeAnswering() throws Exception {
        Sidecar sidecar = startSidecar(DataPlane.DEFAULT);

        HttpClient direct = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        int status = call(direct, URI.create("http://127.0.0.1:" + sidecar.inboundPort() + "/orders?status=201"));

        assertThat(status).as("the app's status relayed").isEqualTo(201);
        assertThat(responseSeenBeforeRecording).as("for each recorded request: did the caller have the response already?")
                .containsExactly(false);
        assertThat(sidecar.telemetry().render()).as("destination report of the request")
                .contains("reporter=\"destination\"").contains("response_code=\"201\"");
    }

    @Test
    void theOutboundListenerCountsTheRequestBeforeAnswering() throws Exception {
        ProxiedExchange answer = new ProxiedExchange(202, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("ok"), Set.of(),
                null, null, 1, 1_000_000);
        // answered on a later event-loop task, as an upstream response is: Vert.x flushes writes made while it reads
        // the request only after the read, which would hide the order
        OutboundHandlerFactory fixedAnswer = (v, workload, namespace, config, stats) -> (method, host, port, path, headers, body) -> {
            Promise<ProxiedExchange> later = Promise.promise();
            v.runOnContext(x -> later.complete(answer));
            return later.future();
        };
        Sidecar sidecar = startSidecar(fixedAnswer);
        HttpClient viaProxy = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", sidecar.outboundPort()))).build();

        int status = call(viaProxy, URI.create("http://order-server.k1s0-service:8080/orders"));

        assertThat(status).as("the data plane's answer relayed").isEqualTo(202);
        assertThat(responseSeenBeforeRecording).as("for each recorded request: did the caller have the response already?")
                .containsExactly(false);
        assertThat(sidecar.telemetry().render()).as("source report of the request")
                .contains("reporter=\"source\"").contains("response_code=\"202\"");
    }
}
