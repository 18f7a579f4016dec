package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EchoServerTest {
    private static final double CONFIDENCE = 0.9999;
    private static Vertx vertx;
    private static int plainPort;
    private static int badPort;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        plainPort = new EchoServer(vertx, "order-server", "v2", "order-server-0", EchoBehaviour.NONE)
                .start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        badPort = new EchoServer(vertx, "order-server-bad", "v1", "order-server-bad-0", EchoBehaviour.parseDefaults("status=503:100"))
                .start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static HttpResponse<String> get(int port, String pathAndQuery) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPlainRequestIsEchoedWith200AndNamesTheReplica() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plainPort + "/any/path"))
                .POST(HttpRequest.BodyPublishers.ofString("abcdef")).header("x-envoy-attempt-count", "3").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("status").isEqualTo(200);
        assertThat(r.body()).as("posted body echoed").isEqualTo("abcdef");
        assertThat(r.headers().firstValue("x-workload")).as("x-workload").contains("order-server");
        assertThat(r.headers().firstValue("x-version")).as("x-version").contains("v2");
        assertThat(r.headers().firstValue("x-pod")).as("x-pod").contains("order-server-0");
        assertThat(r.headers().firstValue("x-seen-attempt-count")).as("attempt count the server saw").contains("3");
    }

    @Test
    void aSingleStatusIsAlwaysReturned() throws Exception {
        assertThat(get(plainPort, "/?status=418").statusCode()).as("status=418").isEqualTo(418);
    }

    @Test
    void statusPercentagesAreDrawnPerRequest() throws Exception {
        int n = 400;
        int unavailable = 0;
        int tooMany = 0;
        for (int i = 0; i < n; i++) {
            int code = get(plainPort, "/?status=503:30,429:10").statusCode();
            assertThat(code).as("only configured codes or 200").isIn(200, 503, 429);
            unavailable += code == 503 ? 1 : 0;
            tooMany += code == 429 ? 1 : 0;
        }
        assertWithin(0.30, n, unavailable, "503 share");
        assertWithin(0.10, n, tooMany, "429 share");
    }

    private static void assertWithin(double expected, int n, int hits, String what) {
        ConfidenceInterval ci = BinomialProportion.getClopperPearsonInterval(n, (double) hits / n, CONFIDENCE);
        assertThat(expected).as("%s: configured %.2f vs %d/%d observed, 99.99%% interval [%.3f, %.3f]",
                what, expected, hits, n, ci.getLowerBound(), ci.getUpperBound()).isBetween(ci.getLowerBound(), ci.getUpperBound());
    }

    @Test
    void aDelayHoldsTheResponse() throws Exception {
        long start = System.nanoTime();
        assertThat(get(plainPort, "/?delay=150ms").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("response time with delay=150ms").isGreaterThanOrEqualTo(Duration.ofMillis(150));
    }

    @Test
    void delayPercentagesAreDrawnPerRequest() throws Exception {
        int n = 200;
        int delayed = 0;
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            get(plainPort, "/?delay=40ms:25");
            delayed += System.nanoTime() - start >= 40_000_000L ? 1 : 0;
        }
        // A slow undelayed request could be counted as delayed, never the reverse: check the lower side strictly.
        ConfidenceInterval ci = BinomialProportion.getClopperPearsonInterval(n, (double) delayed / n, CONFIDENCE);
        assertThat(0.25).as("delay share %d/%d, interval [%.3f, %.3f]", delayed, n, ci.getLowerBound(), ci.getUpperBound())
                .isLessThanOrEqualTo(ci.getUpperBound());
        assertThat(delayed).as("some requests are not delayed").isLessThan(n);
    }

    @Test
    void sizeReturnsThatManyBytes() throws Exception {
        HttpResponse<String> r = get(plainPort, "/?size=1024");
        assertThat(r.body()).as("body of size=1024").hasSize(1024);
    }

    @Test
    void headerIsRepeatable() throws Exception {
        HttpResponse<String> r = get(plainPort, "/?header=X-Foo:bar&header=X-Baz:qux");
        assertThat(r.headers().firstValue("x-foo")).contains("bar");
        assertThat(r.headers().firstValue("x-baz")).contains("qux");
    }

    @Test
    void closeResetClosesTheConnectionWithoutAResponse() {
        assertThatThrownBy(() -> get(plainPort, "/?close=reset")).as("close=reset").isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get(plainPort, "/?close=")).as("empty close=").isInstanceOf(IOException.class);
    }

    @Test
    void closeTrueAnswersThenClosesLikeFortio() throws Exception {
        HttpResponse<String> r = get(plainPort, "/?close=true&status=202");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("connection")).as("connection header").contains("close");
    }

    @Test
    void theDefaultBehaviourAppliesWhenTheQueryHasNoneAndTheQueryOverridesIt() throws Exception {
        assertThat(get(badPort, "/orders").statusCode()).as("default status=503:100").isEqualTo(503);
        assertThat(get(badPort, "/orders?status=200").statusCode()).as("query status overrides the default").isEqualTo(200);
    }

    @Test
    void aMalformedParameterGets400NamingIt() throws Exception {
        HttpResponse<String> r = get(plainPort, "/?delay=soon");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("delay=soon").contains("not a duration");
        assertThat(get(plainPort, "/?status=503:70,500:40").body()).as("percentages over 100").contains("add up to 110");
    }

    @Test
    void parsingFollowsFortiosSyntax() {
        EchoBehaviour b = EchoBehaviour.parse("status=503:5,429:1&delay=150us:10,2ms:5,0.5s:1&size=1024:10,512:5", EchoBehaviour.NONE);
        assertThat(b.status()).containsExactly(new EchoBehaviour.Weighted<>(503, 5.0), new EchoBehaviour.Weighted<>(429, 1.0));
        assertThat(b.delay()).extracting(EchoBehaviour.Weighted::value)
                .containsExactly(Duration.ofNanos(150_000), Duration.ofMillis(2), Duration.ofMillis(500));
        assertThat(b.size()).extracting(EchoBehaviour.Weighted::percent).containsExactly(10.0, 5.0);
        assertThat(EchoBehaviour.draw(b.status(), 4.99)).isEqualTo(503);
        assertThat(EchoBehaviour.draw(b.status(), 5.5)).isEqualTo(429);
        assertThat(EchoBehaviour.draw(b.status(), 6.0)).as("beyond the listed percentages").isNull();
    }
}
