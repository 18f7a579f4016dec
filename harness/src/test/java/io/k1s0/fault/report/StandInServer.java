package io.k1s0.fault.report;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for Grafana or a Teams webhook: answers from a script (the last answer repeats)
 * and records every request it received.
 */
final class StandInServer implements AutoCloseable {

    record Answer(int status, Map<String, String> headers, String body) {
        static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body);
        }
    }

    record Received(String method, String path, Map<String, List<String>> headers, byte[] body, long atNanos) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final Deque<Answer> script;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    StandInServer(Answer... answers) throws IOException {
        this.script = new ArrayDeque<>(List.of(answers));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime()));
                Answer a;
                synchronized (script) {
                    a = script.size() > 1 ? script.poll() : script.peek();
                }
                a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
                if (out.length > 0) {
                    try (OutputStream o = exchange.getResponseBody()) {
                        o.write(out);
                    }
                }
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
