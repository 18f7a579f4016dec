package io.k1s0.fault.traffic;

import io.restassured.builder.ResponseBuilder;
import io.restassured.config.RestAssuredConfig;
import io.restassured.filter.time.TimingFilter;
import io.restassured.http.Cookie;
import io.restassured.http.Cookies;
import io.restassured.http.Header;
import io.restassured.http.Headers;
import io.restassured.internal.RestAssuredResponseImpl;
import io.restassured.response.Response;
import java.net.HttpCookie;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Presents an exchange the Vert.x engine made as the rest-assured {@link Response} that probe predicates are written
 * against: status line, headers (each once), cookies, content type ({@code ""} when absent, as rest-assured gives
 * it), a body decoded with the spec's {@link RestAssuredConfig}, and {@link Response#getTime()}.
 */
final class RestAssuredView {

    private RestAssuredView() {
    }

    static Response of(HttpEngine.Exchange exchange, RestAssuredConfig config) {
        ResponseBuilder builder = new ResponseBuilder()
                .setStatusCode(exchange.status())
                .setStatusLine(exchange.version() + " " + exchange.status() + " " + exchange.reason())
                .setHeaders(new Headers(exchange.headers().stream().map(h -> new Header(h.getKey(), h.getValue())).toList()))
                .setCookies(new Cookies(cookies(exchange.headers())))
                .setBody(exchange.body());
        Response response = builder.build();
        // The builder's own setContentType would add a second Content-Type header; the field alone is what
        // contentType() and the body's decoding read. getTime() reads what rest-assured's TimingFilter leaves in the
        // filter context (-1 without it).
        if (response instanceof RestAssuredResponseImpl impl) {
            impl.setContentType(header(exchange.headers(), "content-type"));
            impl.setConfig(config);
            impl.setDecoderConfig(config.getDecoderConfig());
            impl.setFilterContextProperties(Map.of(TimingFilter.RESPONSE_TIME_MILLISECONDS,
                    TimeUnit.NANOSECONDS.toMillis(exchange.elapsedNanos())));
        }
        return response;
    }

    private static String header(List<Map.Entry<String, String>> headers, String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst().orElse("");
    }

    private static List<Cookie> cookies(List<Map.Entry<String, String>> headers) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase("set-cookie"))
                .flatMap(h -> parse(h.getValue()).stream())
                .map(c -> {
                    Cookie.Builder cookie = new Cookie.Builder(c.getName(), c.getValue()).setSecured(c.getSecure())
                            .setHttpOnly(c.isHttpOnly());
                    if (c.getPath() != null) {
                        cookie.setPath(c.getPath());
                    }
                    if (c.getDomain() != null) {
                        cookie.setDomain(c.getDomain());
                    }
                    if (c.getMaxAge() >= 0) {
                        cookie.setMaxAge(c.getMaxAge());
                    }
                    return cookie.build();
                })
                .toList();
    }

    /** A malformed Set-Cookie is left out of cookies() (the header itself stays in headers()). */
    private static List<HttpCookie> parse(String setCookie) {
        try {
            return HttpCookie.parse(setCookie);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }
}
