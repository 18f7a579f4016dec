package io.k1s0.fault.traffic;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Servers bound to 127.0.0.1 on free ports, for tests and the benchmark. */
final class LoopbackServers {

    private LoopbackServers() {
    }

    /** A Vert.x HTTP server on one event loop; every request's line and Host header are recorded. */
    static final class Backend implements AutoCloseable {
        final Vertx vertx;
        final HttpServer server;
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final List<String> hosts = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<String> headerLines = new CopyOnWriteArrayList<>();
        private final boolean record;

        Backend(Handler<HttpServerRequest> handler, boolean record) {
            this.record = record;
            this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            this.server = await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                    .requestHandler(req -> {
                        if (this.record) {
                            requestLines.add(req.method() + " " + req.uri() + " " + req.version().alpnName().toUpperCase());
                            hosts.add(req.headers().get("Host"));
                            req.headers().forEach(h -> headerLines.add(h.getKey() + ": " + h.getValue()));
                            req.body().onSuccess(b -> bodies.add(b.toString()));
                        }
                        handler.handle(req);
                    }).listen());
        }

        static Backend answering(Handler<HttpServerRequest> handler) {
            return new Backend(handler, true);
        }

        int port() {
            return server.actualPort();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port());
        }

        @Override
        public void close() {
            await(vertx.close());
        }

        private static <T> T await(io.vertx.core.Future<T> f) {
            try {
                return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("loopback server did not start/stop: " + e, e);
            }
        }
    }

    /** A port on 127.0.0.1 that nothing listens on (bound once, then released). */
    static int refusingPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Accepts connections, reads the request head, then closes: with {@code reset} by a TCP RST (linger 0),
     * otherwise with a clean FIN and no response.
     */
    static final class HangUp implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread acceptor;

        HangUp(boolean reset) throws IOException {
            socket = new ServerSocket();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        readHead(s.getInputStream());
                        if (reset) {
                            s.setSoLinger(true, 0);
                        }
                    } catch (SocketException closed) {
                        return;
                    } catch (IOException e) {
                        // next connection
                    }
                }
            }, "hang-up-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void readHead(InputStream in) throws IOException {
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            int b;
            while (matched < 4 && (b = in.read()) >= 0) {
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
