package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Closing a sidecar closes its listeners and then its outbound handler, which holds the upstream connections. */
class SidecarCloseTest {
    private static final SidecarIdentity POD =
            new SidecarIdentity("order-bff-0", "order-bff", "k1s0-service", "order-bff", "v1", "order-bff", 8080);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stopVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void closingTheSidecarClosesItsListenersAndItsOutboundHandler() throws Exception {
        AtomicInteger handlerCloses = new AtomicInteger();
        OutboundHandlerFactory recordingClose = (v, workload, namespace, config, stats) -> new OutboundHandler() {
            @Override
            public Future<ProxiedExchange> handle(io.vertx.core.http.HttpMethod method, String host, int port, String pathAndQuery,
                    io.vertx.core.MultiMap headers, io.vertx.core.buffer.Buffer body) {
                return Future.failedFuture("not called in this test");
            }

            @Override
            public Future<Void> close() {
                handlerCloses.incrementAndGet();
                return Future.succeededFuture();
            }
        };
        EchoServer app = new EchoServer(vertx, POD.workload(), POD.version(), POD.pod(), EchoBehaviour.NONE);
        app.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Sidecar sidecar = new Sidecar(vertx, POD, app).start(recordingClose, () -> null)
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        int outboundPort = sidecar.outboundPort();

        sidecar.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(handlerCloses.get()).as("times the outbound handler was closed").isEqualTo(1);
        assertThat(refused(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(WorkloadResources.POD_IP, outboundPort), 1000);
            }
        }))
                .as("a connection to the closed outbound listener on port %d is refused", outboundPort).isTrue();
    }

    private static boolean refused(Executable connect) {
        try {
            connect.execute();
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (Throwable other) {
            throw new AssertionError("expected a refused connection, got " + other, other);
        }
    }
}
