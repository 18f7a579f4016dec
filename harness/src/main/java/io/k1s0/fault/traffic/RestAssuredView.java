package io.k1s0.fault.traffic;

import io.restassured.builder.ResponseBuilder;
import io.restassured.filter.time.TimingFilter;
import io.restassured.http.Header;
import io.restassured.http.Headers;
import io.restassured.internal.RestAssuredResponseImpl;
import io.restassured.response.Response;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Presents an exchange the Vert.x engine made as the rest-assured {@link Response} that probe predicates are written
 * against: status line, headers, body, and {@link Response#getTime()}.
 */
final class RestAssuredView {

    private RestAssuredView() {
    }

    static Response of(HttpEngine.Exchange exchange) {
        ResponseBuilder builder = new ResponseBuilder()
                .setStatusCode(exchange.status())
                .setStatusLine("HTTP/1.1 " + exchange.status() + " " + exchange.reason())
                .setHeaders(new Headers(exchange.headers().stream().map(h -> new Header(h.getKey(), h.getValue())).toList()))
                .setBody(exchange.body());
        exchange.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("content-type")).findFirst()
                .ifPresent(h -> builder.setContentType(h.getValue()));
        Response response = builder.build();
        // rest-assured's getTime() reads what its TimingFilter leaves in the filter context; -1 without it.
        if (response instanceof RestAssuredResponseImpl impl) {
            impl.setFilterContextProperties(Map.of(TimingFilter.RESPONSE_TIME_MILLISECONDS,
                    TimeUnit.NANOSECONDS.toMillis(exchange.elapsedNanos())));
        }
        return response;
    }
}
