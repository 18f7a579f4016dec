package io.k1s0.fault.traffic;

import io.restassured.authentication.ExplicitNoAuthScheme;
import io.restassured.authentication.NoAuthScheme;
import io.restassured.http.Cookie;
import io.restassured.http.Header;
import io.restassured.http.Method;
import io.restassured.specification.QueryableRequestSpecification;
import io.restassured.specification.RequestSpecification;
import io.restassured.specification.SpecificationQuerier;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The exact request a rest-assured spec describes, read once so the load engine can send it many times:
 * method, absolute URI (base URI, port, base path, path and query parameters), headers (with content type
 * and cookies) and body. Features the engine cannot reproduce are rejected instead of silently dropped.
 */
record RequestTemplate(String method, URI uri, List<Map.Entry<String, String>> headers, byte[] body) {

    RequestTemplate {
        headers = List.copyOf(headers);
        body = body.clone();
    }

    static RequestTemplate of(Method method, RequestSpecification spec) {
        if (method == null) {
            throw new IllegalArgumentException("request method: given null; allowed: " + List.of(Method.values()));
        }
        if (spec == null) {
            throw new IllegalArgumentException("request spec: given null; allowed: a RequestSpecification built with RequestSpecBuilder");
        }
        QueryableRequestSpecification q = SpecificationQuerier.query(spec);
        reject("form params", q.getFormParams().isEmpty(), q.getFormParams());
        reject("multipart params", q.getMultiPartParams().isEmpty(), q.getMultiPartParams());
        reject("filters", q.getDefinedFilters().isEmpty(), q.getDefinedFilters());
        reject("undefined path params", q.getUndefinedPathParamPlaceholders().isEmpty(), q.getUndefinedPathParamPlaceholders());
        Object auth = q.getAuthenticationScheme();
        reject("authentication", auth == null || auth instanceof NoAuthScheme || auth instanceof ExplicitNoAuthScheme,
                auth == null ? null : auth.getClass().getSimpleName() + " (set an Authorization header instead)");

        URI uri = parseUri(q.getURI());
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        boolean hasContentType = false;
        for (Header h : q.getHeaders()) {
            headers.add(Map.entry(h.getName(), h.getValue()));
            hasContentType |= h.getName().equalsIgnoreCase("Content-Type");
        }
        if (!hasContentType && q.getContentType() != null && !q.getContentType().isEmpty()) {
            headers.add(Map.entry("Content-Type", q.getContentType()));
        }
        if (q.getCookies().exist()) {
            StringJoiner cookies = new StringJoiner("; ");
            for (Cookie c : q.getCookies()) {
                cookies.add(c.getName() + "=" + c.getValue());
            }
            headers.add(Map.entry("Cookie", cookies.toString()));
        }
        return new RequestTemplate(method.name(), uri, headers, bodyBytes(q.getBody()));
    }

    private static void reject(String feature, boolean ok, Object given) {
        if (!ok) {
            throw new IllegalArgumentException("request spec " + feature + ": given " + given
                    + "; allowed: none (the load engine sends method, URI, query params, headers, cookies, content type and a String or byte[] body)");
        }
    }

    private static URI parseUri(String raw) {
        try {
            URI uri = new URI(raw);
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("request spec URI: given '" + raw + "'; allowed: an absolute http:// URI with a host (set it with RequestSpecBuilder.setBaseUri)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("request spec URI: given '" + raw + "'; allowed: a valid absolute http:// URI", e);
        }
    }

    private static byte[] bodyBytes(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("request spec body: given a " + body.getClass().getName()
                + "; allowed: String or byte[] (serialise objects before building the spec)");
    }

    /** Origin-form target (path and query) as sent to a direct peer. */
    String pathAndQuery() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    int port() {
        return uri.getPort() < 0 ? 80 : uri.getPort();
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }
}
