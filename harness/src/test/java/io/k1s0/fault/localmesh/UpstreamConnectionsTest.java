package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamConnectionsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private Vertx vertx;
    private Context context;
    private UpstreamConnections connections;
    private HttpServer server;
    private final AtomicInteger serverConnectionsOpened = new AtomicInteger();
    private final AtomicInteger serverConnectionsClosed = new AtomicInteger();
    private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    private long idleTimeoutMillis;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        connections = new UpstreamConnections(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        connections.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** A server whose answers name the client port the request came from, so a test sees which connection carried it. */
    private Endpoint server(Consumer<HttpServerRequest> handler) throws Exception {
        // Without h2c the server sees a connection when it opens, not when its first bytes arrive.
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setHttp2ClearTextEnabled(false)
                        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setIdleTimeout((int) idleTimeoutMillis))
                .connectionHandler(c -> {
                    serverConnectionsOpened.incrementAndGet();
                    c.closeHandler(v -> serverConnectionsClosed.incrementAndGet());
                })
                .requestHandler(handler::accept)
                .listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return endpoint(server.actualPort());
    }

    private Endpoint portEchoServer() throws Exception {
        return server(r -> r.body().onSuccess(body -> r.response()
                .putHeader("x-client-port", Integer.toString(r.connection().remoteAddress().port()))
                .putHeader("x-seen-host", String.valueOf(r.getHeader("host")))
                .putHeader("x-seen-connection", String.valueOf(r.getHeader("connection")))
                .putHeader("x-seen-test", String.valueOf(r.getHeader("x-test")))
                .end(body.length() == 0 ? Buffer.buffer("ok") : body)));
    }

    private static Endpoint endpoint(int port) {
        return new Endpoint("backend-0", "ns", "backend", Map.of("app", "backend"), "127.0.0.1", port);
    }

    private static UpstreamRequest get(String path) {
        return new UpstreamRequest(HttpMethod.GET, "backend.ns:8080", path, MultiMap.caseInsensitiveMultiMap().add("x-test", "yes"), Buffer.buffer());
    }

    private record Outcome(Future<UpstreamConnections.Response> result, boolean onCallersContext) {}

    private CompletableFuture<Outcome> send(Endpoint host, UpstreamRequest request, int maxRequestsPerConnection) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        connections.send(context, "outbound|8080||backend.ns.svc.cluster.local", host, request, 1000, maxRequestsPerConnection,
                done -> outcome.complete(new Outcome(done, Vertx.currentContext() == context)));
        return outcome;
    }

    private UpstreamConnections.Response ok(Endpoint host, UpstreamRequest request, int maxRequestsPerConnection) throws Exception {
        Outcome outcome = send(host, request, maxRequestsPerConnection).get(5, TimeUnit.SECONDS);
        assertThat(outcome.result().succeeded()).as("request to %s:%d succeeded (cause: %s)", host.address(), host.port(),
                outcome.result().cause()).isTrue();
        return outcome.result().result();
    }

    private Throwable failure(CompletableFuture<Outcome> pending) throws Exception {
        Outcome outcome = pending.get(5, TimeUnit.SECONDS);
        assertThat(outcome.result().failed()).as("the request failed").isTrue();
        return outcome.result().cause();
    }

    @Test
    void theRequestGoesOutWithTheCallersHostHeadersAndBodyAndTheWholeResponseComesBack() throws Exception {
        Endpoint host = portEchoServer();
        UpstreamRequest post = new UpstreamRequest(HttpMethod.POST, "backend.ns:8080", "/orders?id=7",
                MultiMap.caseInsensitiveMultiMap().add("x-test", "yes"), Buffer.buffer("a body of 21 bytes..."));

        UpstreamConnections.Response response = ok(host, post, 0);

        assertThat(response.status()).as("status").isEqualTo(200);
        assertThat(response.body().toString()).as("the server echoed the posted body").isEqualTo("a body of 21 bytes...");
        assertThat(response.headers().get("x-seen-host")).as("Host is the caller's authority, as Envoy keeps it").isEqualTo("backend.ns:8080");
        assertThat(response.headers().get("x-seen-test")).as("the caller's header is forwarded").isEqualTo("yes");
    }

    @Test
    void theAnswerRunsOnTheCallersContextWhetherSentFromItsLoopOrFromAnotherThread() throws Exception {
        Endpoint host = portEchoServer();
        assertThat(send(host, get("/"), 0).get(5, TimeUnit.SECONDS).onCallersContext()).as("sent from a test thread").isTrue();

        CompletableFuture<CompletableFuture<Outcome>> fromLoop = new CompletableFuture<>();
        context.runOnContext(v -> fromLoop.complete(send(host, get("/"), 0)));
        assertThat(fromLoop.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS).onCallersContext()).as("sent from the context's loop").isTrue();
    }

    @Test
    void aKeepAliveConnectionIsReusedForTheNextRequest() throws Exception {
        Endpoint host = portEchoServer();
        String first = ok(host, get("/1"), 0).headers().get("x-client-port");
        String second = ok(host, get("/2"), 0).headers().get("x-client-port");
        assertThat(second).as("the second request's client port (first was %s)", first).isEqualTo(first);
    }

    @Test
    void maxRequestsPerConnectionAsksToCloseOnTheLastRequestAndTheNextOneOpensANewConnection() throws Exception {
        Endpoint host = portEchoServer();
        UpstreamConnections.Response first = ok(host, get("/1"), 2);
        UpstreamConnections.Response second = ok(host, get("/2"), 2);
        UpstreamConnections.Response third = ok(host, get("/3"), 2);

        assertThat(first.headers().get("x-seen-connection")).as("first request's Connection header").isEqualTo("null");
        assertThat(second.headers().get("x-seen-connection")).as("the second (last allowed) request asks to close").isEqualTo("close");
        assertThat(second.headers().get("x-client-port")).as("the second request reuses the first's connection")
                .isEqualTo(first.headers().get("x-client-port"));
        assertThat(third.headers().get("x-client-port")).as("the third request needs a new connection")
                .isNotEqualTo(first.headers().get("x-client-port"));
    }

    @Test
    void aResponseThatClosesItsConnectionIsNotPooled() throws Exception {
        Endpoint host = server(r -> r.response().putHeader("connection", "close")
                .putHeader("x-client-port", Integer.toString(r.connection().remoteAddress().port())).end("bye"));
        String first = ok(host, get("/1"), 0).headers().get("x-client-port");
        String second = ok(host, get("/2"), 0).headers().get("x-client-port");
        assertThat(second).as("client port after a 'connection: close' answer (first was %s)", first).isNotEqualTo(first);
    }

    @Test
    void aPooledConnectionTheServerClosedWhileIdleIsNotUsedAgain() throws Exception {
        idleTimeoutMillis = 200;
        Endpoint host = portEchoServer();
        String first = ok(host, get("/1"), 0).headers().get("x-client-port");
        await("the server closed the idle pooled connection").atMost(DEADLINE).until(() -> serverConnectionsClosed.get() == 1);

        UpstreamConnections.Response second = ok(host, get("/2"), 0);
        assertThat(second.headers().get("x-client-port")).as("client port after the server closed the first connection (%s)", first)
                .isNotEqualTo(first);
    }

    @Test
    void aRefusedConnectionIsAConnectFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Throwable cause = failure(send(endpoint(closedPort), get("/"), 0));
        assertThat(cause).as("cause of a refused connection").isInstanceOf(ConnectException.class);
    }

    @ParameterizedTest(name = "answer cut short: {0}")
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly ten b",   // inside the body
        "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n"                       // inside the headers
    })
    void aConnectionThatEndsBeforeTheWholeResponseIsATerminationNotAConnectFailure(String answer) throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = answerOnce(raw, answer);
            Throwable cause = failure(send(endpoint(raw.getLocalPort()), get("/"), 0));
            served.get(5, TimeUnit.SECONDS);
            assertThat(cause).as("cause of a response cut short").isInstanceOf(IOException.class).isNotInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aResponseOverEnvoysHeaderLimitFailsAndItsConnectionIsNotReused() throws Exception {
        Endpoint host = server(r -> {
            if (r.path().equals("/big")) {
                r.response().putHeader("x-big", "b".repeat(61 * 1024));
            }
            r.response().putHeader("x-client-port", Integer.toString(r.connection().remoteAddress().port())).end("ok");
        });
        Throwable cause = failure(send(host, get("/big"), 0));
        assertThat(cause).as("a response with 61 KiB of headers (Envoy's limit is 60 KiB)").isInstanceOf(IOException.class)
                .hasMessageContaining("malformed response");

        UpstreamConnections.Response next = ok(host, get("/ok"), 0);
        assertThat(next.body().toString()).as("the next request to the same host, on a fresh connection").isEqualTo("ok");
    }

    @Test
    void anInterimResponseIsSkippedAndTheFinalOneAnswers() throws Exception {
        try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = answerOnce(raw,
                    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 5\r\nconnection: close\r\n\r\nfinal");
            UpstreamConnections.Response response = ok(endpoint(raw.getLocalPort()), get("/"), 0);
            served.get(5, TimeUnit.SECONDS);
            assertThat(response.status()).as("status after a 100 Continue").isEqualTo(201);
            assertThat(response.body().toString()).as("body of the final response").isEqualTo("final");
        }
    }

    @Test
    void aHeadResponseHasNoBodyAlsoAfterAnInterimResponse() throws Exception {
        for (String interim : List.of("", "HTTP/1.1 103 Early Hints\r\nlink: </style.css>\r\n\r\n")) {
            try (ServerSocket raw = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                    try (Socket s = raw.accept()) {
                        readRequestHead(s.getInputStream());
                        // The head of a 5-byte body, and no body: the connection stays open, so only HEAD semantics end the response.
                        s.getOutputStream().write((interim + "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        readRequestHead(s.getInputStream());   // until the client closes (then this throws)
                    } catch (IOException expected) {
                        // the client closed the connection at the end of the test
                    }
                });
                UpstreamRequest head = new UpstreamRequest(HttpMethod.HEAD, "backend.ns:8080", "/", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
                UpstreamConnections.Response response = ok(endpoint(raw.getLocalPort()), head, 0);
                assertThat(response.status()).as("status of HEAD%s", interim.isEmpty() ? "" : " after a 103").isEqualTo(200);
                assertThat(response.body().length()).as("body of the HEAD response").isZero();
                connections.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
                served.get(5, TimeUnit.SECONDS);
                connections = new UpstreamConnections(vertx);
            }
        }
    }

    @Test
    void resetClosesTheConnectionAndTheAbandonedRequestNeverAnswers() throws Exception {
        Endpoint host = server(held::add);   // never answers
        AtomicInteger answers = new AtomicInteger();
        UpstreamConnections.Exchange exchange = connections.send(context, "c", host, get("/slow"), 1000, 0, done -> answers.incrementAndGet());
        await("the server holds the request").atMost(DEADLINE).until(() -> held.size() == 1);

        exchange.reset();

        await("the server saw the connection close").atMost(DEADLINE).until(() -> serverConnectionsClosed.get() == 1);
        // Anything the reset could still have triggered runs on the caller's context before this task.
        CompletableFuture<Integer> afterReset = new CompletableFuture<>();
        context.runOnContext(v -> afterReset.complete(answers.get()));
        assertThat(afterReset.get(5, TimeUnit.SECONDS)).as("answers delivered for a reset request").isZero();
    }

    @Test
    void aRequestResetWhileItsConnectionIsOpeningLeavesTheConnectionToTheNextRequest() throws Exception {
        Endpoint host = portEchoServer();
        AtomicInteger answers = new AtomicInteger();
        CompletableFuture<Void> resetBeforeConnected = new CompletableFuture<>();
        // On the loop, the connect cannot complete before this task ends: the reset surely comes first.
        context.runOnContext(v -> {
            connections.send(context, "c", host, get("/abandoned"), 1000, 0, done -> answers.incrementAndGet()).reset();
            resetBeforeConnected.complete(null);
        });
        resetBeforeConnected.get(5, TimeUnit.SECONDS);
        await("the abandoned request's connection is open").atMost(DEADLINE).until(() -> serverConnectionsOpened.get() == 1);

        CompletableFuture<Outcome> next = new CompletableFuture<>();
        context.runOnContext(v -> connections.send(context, "c", host, get("/next"), 1000, 0,
                done -> next.complete(new Outcome(done, true))));
        assertThat(next.get(5, TimeUnit.SECONDS).result().succeeded()).as("the next request succeeded").isTrue();
        assertThat(serverConnectionsOpened.get()).as("connections the server saw: the next request reused the opened one").isEqualTo(1);
        assertThat(answers.get()).as("answers delivered for the reset request").isZero();
    }

    @Test
    void closingFailsTheRequestsInFlightAndRefusesNewOnes() throws Exception {
        Endpoint host = server(held::add);
        CompletableFuture<Outcome> inFlight = send(host, get("/slow"), 0);
        await("the server holds the request").atMost(DEADLINE).until(() -> held.size() == 1);

        connections.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(failure(inFlight)).as("the request in flight when the sidecar closed").isInstanceOf(IOException.class);
        assertThat(failure(send(host, get("/after"), 0))).as("a request after close").isInstanceOf(IOException.class)
                .hasMessageContaining("closing");
    }

    /** A one-shot upstream on a raw socket: takes one request, writes {@code answer} as it is, and closes. */
    private static CompletableFuture<Void> answerOnce(ServerSocket raw, String answer) {
        return CompletableFuture.runAsync(() -> {
            try (Socket s = raw.accept()) {
                readRequestHead(s.getInputStream());
                OutputStream out = s.getOutputStream();
                out.write(answer.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void readRequestHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request head ended early");
            }
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
    }
}
