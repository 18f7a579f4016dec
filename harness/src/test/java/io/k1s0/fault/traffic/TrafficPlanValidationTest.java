package io.k1s0.fault.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.restassured.builder.RequestSpecBuilder;
import io.restassured.http.Method;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficPlanValidationTest {

    private final Traffic traffic = Traffic.from(Vantage.direct());
    private final RequestSpecification spec = Specs.loopback(8080, "/orders");

    @Test
    void aRateOutsideTheAllowedRangeNamesFieldValueAndRange() {
        assertThatThrownBy(() -> traffic.send(spec).atRate(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("atRate (phase 'main'): given 0.0; allowed: 0 < rate <= 50000 requests per second");
        assertThatThrownBy(() -> traffic.send(spec).atRate(Double.NaN)).hasMessageContaining("given NaN");
        assertThatThrownBy(() -> traffic.send(spec).atRate(60_000)).hasMessageContaining("given 60000.0");
    }

    @Test
    void aPhaseWithoutLengthOrRateIsRejectedBeforeSending() {
        assertThatThrownBy(() -> traffic.send(spec).atRate(10).start())
                .hasMessage("phase 'main': neither forDuration nor forRequests set; allowed: exactly one of them");
        assertThatThrownBy(() -> traffic.send(spec).forRequests(10).start())
                .hasMessageContaining("atRate (phase 'main'): not set");
    }

    @Test
    void duplicatePhaseNamesAreRejected() {
        assertThatThrownBy(() -> traffic.send(spec).phase("a").atRate(1).forRequests(1).phase("a").forRequests(1).start())
                .hasMessage("phase name: given 'a' twice; allowed: unique names");
        assertThatThrownBy(() -> traffic.send(spec).phase(" ")).hasMessageContaining("phase name: given ' '");
    }

    @Test
    void capsAndBoundsOutsideTheirRangesAreRejected() {
        assertThatThrownBy(() -> traffic.send(spec).maxRequests(0)).hasMessage("maxRequests: given 0; allowed: 1..100000000");
        assertThatThrownBy(() -> traffic.send(spec).maxDuration(Duration.ofDays(2))).hasMessage("maxDuration: given PT48H; allowed: PT0.001S..PT24H");
        assertThatThrownBy(() -> traffic.send(spec).maxInFlight(0)).hasMessage("maxInFlight: given 0; allowed: 1..100000");
        assertThatThrownBy(() -> traffic.send(spec).forDuration(Duration.ZERO)).hasMessageContaining("forDuration (phase 'main'): given PT0S");
        assertThatThrownBy(() -> traffic.maxConnections(0)).hasMessage("maxConnections: given 0; allowed: 1..10000");
        assertThatThrownBy(() -> traffic.requestTimeout(Duration.ofMinutes(5))).hasMessage("requestTimeout: given PT5M; allowed: PT0.001S..PT60S");
        assertThatThrownBy(() -> Traffic.from(null)).hasMessageContaining("Traffic.from vantage: given null");
    }

    @Test
    void aPhaseOfTheResultThatDoesNotExistNamesTheOnesThatDo() {
        try (LoopbackServers.Backend backend = LoopbackServers.Backend.answering(req -> req.response().end())) {
            TrafficResult result = traffic.send(Specs.loopback(backend.port(), "/")).phase("baseline").atRate(100).forRequests(1).run();

            assertThatThrownBy(() -> result.phase("injection")).hasMessage("phase: given 'injection'; allowed: [baseline]");
        }
    }

    @Test
    void theSpecIsReadIntoMethodUriHeadersAndBody() {
        RequestSpecification create = new RequestSpecBuilder().setBaseUri("http://order-server.k1s0-service").setPort(8080)
                .setBasePath("/orders/{id}").addPathParam("id", "42").addQueryParam("q", "a b")
                .addHeader("x-a", "1").setContentType("text/plain").setBody("hello").build();

        RequestTemplate template = RequestTemplate.of(Method.PUT, create);

        assertThat(template.method()).isEqualTo("PUT");
        assertThat(template.uri().getHost()).isEqualTo("order-server.k1s0-service");
        assertThat(template.port()).isEqualTo(8080);
        assertThat(template.pathAndQuery()).as("path with path and query params applied").isEqualTo("/orders/42?q=a%20b");
        assertThat(template.headers()).contains(Map.entry("x-a", "1"))
                .anySatisfy(h -> assertThat(h.getKey() + ": " + h.getValue()).startsWith("Content-Type: text/plain"));
        assertThat(new String(template.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void anObjectBodyIsSentInTheFormRestAssuredSerialisedItTo() {
        RequestSpecification objectBody = new RequestSpecBuilder().setBaseUri("http://h").setPort(80)
                .setContentType("application/json").setBody(Map.of("k", "v")).build();

        RequestTemplate template = RequestTemplate.of(Method.POST, objectBody);

        assertThat(new String(template.body(), java.nio.charset.StandardCharsets.UTF_8)).as("serialised body").isEqualTo("{\"k\":\"v\"}");
    }

    @Test
    void specFeaturesTheEngineCannotSendAreRejectedNotDropped() {
        RequestSpecification form = new RequestSpecBuilder().setBaseUri("http://h").setPort(80).addFormParam("a", "b").build();
        assertThatThrownBy(() -> traffic.send(Method.POST, form))
                .hasMessageStartingWith("request spec form params: given {a=b}; allowed: none");
        RequestSpecification fileBody = new RequestSpecBuilder().setBaseUri("http://h").setPort(80).build()
                .body(new java.io.File("order.json"));
        assertThatThrownBy(() -> traffic.send(Method.POST, fileBody))
                .hasMessageContaining("request spec body: given a java.io.File")
                .hasMessageContaining("allowed: String or byte[]");
        RequestSpecification tls = new RequestSpecBuilder().setBaseUri("https://h").setPort(443).build();
        assertThatThrownBy(() -> traffic.send(tls)).hasMessageContaining("request spec URI: given 'https://h:443");
        RequestSpecification unresolved = new RequestSpecBuilder().setBaseUri("http://h").setPort(80).setBasePath("/o/{id}").build();
        assertThatThrownBy(() -> traffic.send(unresolved)).hasMessageContaining("request spec undefined path params: given [id]");
    }
}
