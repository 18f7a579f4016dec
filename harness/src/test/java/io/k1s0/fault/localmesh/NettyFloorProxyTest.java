package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.k1s0.fault.runner.LoopbackProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The benchmark's floor proxy must forward like the sidecar does, or its column compares nothing. */
class NettyFloorProxyTest {

    @Test
    void forwardsAbsoluteUriRequestsWithPathQueryAndAuthorityWithoutHopByHopHeadersOnOneKeptConnection() throws Exception {
        Set<Integer> upstreamPorts = ConcurrentHashMap.newKeySet();
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/", exchange -> {
            upstreamPorts.add(exchange.getRemoteAddress().getPort());
            byte[] body = (exchange.getRequestMethod() + " " + exchange.getRequestURI() + " host=" + exchange.getRequestHeaders().getFirst("Host")
                    + " proxy-connection=" + exchange.getRequestHeaders().getFirst("Proxy-Connection")
                    + " keep-alive=" + exchange.getRequestHeaders().getFirst("Keep-Alive")).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("x-backend", "yes");
            exchange.getResponseHeaders().add("Proxy-Authenticate", "Basic");
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try (NettyFloorProxy floor = NettyFloorProxy.start(backend.getAddress().getPort())) {
            HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", floor.port())))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://backend.bench:8080/orders/" + i + "?size=1024"))
                        .header("Proxy-Connection", "keep-alive").header("Keep-Alive", "timeout=5").timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("status through the floor proxy, request %d", i).isEqualTo(201);
                assertThat(r.headers().firstValue("x-backend")).as("backend's end-to-end response header").hasValue("yes");
                assertThat(r.headers().firstValue("proxy-authenticate")).as("backend's hop-by-hop response header").isEmpty();
                assertThat(r.body()).as("what the backend saw, request %d", i)
                        .isEqualTo("GET /orders/" + i + "?size=1024 host=backend.bench:8080 proxy-connection=null keep-alive=null");
            }
            assertThat(upstreamPorts).as("upstream connections the two requests of one client connection came on").hasSize(1);
            assertThat(floor.cpuNanos()).as("CPU time of the floor proxy's event loop").isPositive();
        } finally {
            backend.stop(0);
        }
    }

    @Test
    void anOriginFormRequestIsRefusedWith400AsTheSidecarRefusesIt() throws Exception {
        try (NettyFloorProxy floor = NettyFloorProxy.start(LoopbackProcess.freePort());
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), floor.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /orders HTTP/1.1\r\nHost: backend.bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes("HTTP/1.1 400".length()), StandardCharsets.US_ASCII);
            assertThat(statusLine).as("status line for a request that is not absolute-form").isEqualTo("HTTP/1.1 400");
        }
    }

    @Test
    void aBackendThatIsNotListeningEndsTheClientConnection() throws Exception {
        try (NettyFloorProxy floor = NettyFloorProxy.start(LoopbackProcess.freePort())) {
            HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", floor.port())))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://backend.bench/orders")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString()))
                    .as("a request whose upstream connect is refused").isInstanceOf(IOException.class)
                    .isNotInstanceOf(java.net.http.HttpTimeoutException.class);
        }
    }
}
