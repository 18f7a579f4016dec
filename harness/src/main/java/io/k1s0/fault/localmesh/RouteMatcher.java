package io.k1s0.fault.localmesh;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPMatchRequest;
import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRoute;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatch;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchExact;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchPrefix;
import io.fabric8.istio.api.api.networking.v1alpha3.StringMatchRegex;
import io.fabric8.istio.api.api.networking.v1alpha3.VirtualService;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Envoy route selection for a VirtualService: routes in order, first match wins; conditions inside one
 * match entry are ANDed, entries are ORed; a route without match entries matches everything. Regexes are
 * full matches (Envoy safe_regex); Java regex stands in for RE2.
 */
final class RouteMatcher {
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private RouteMatcher() {}

    /** The request as route matching sees it. {@code path} excludes the query string. */
    record Request(HttpMethod method, String authority, int port, String path, MultiMap query, MultiMap headers, String sourceNamespace) {}

    static Optional<HTTPRoute> firstMatch(VirtualService vs, Request request) {
        for (HTTPRoute route : vs.getHttp()) {
            if (matches(route.getMatch(), request)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    static boolean matches(List<HTTPMatchRequest> matches, Request request) {
        if (matches == null || matches.isEmpty()) {
            return true;
        }
        return matches.stream().anyMatch(m -> matches(m, request));
    }

    static boolean matches(HTTPMatchRequest m, Request r) {
        if (m.getGateways() != null && !m.getGateways().isEmpty() && !m.getGateways().contains("mesh")) {
            return false;
        }
        if (m.getPort() != null && m.getPort() != r.port()) {
            return false;
        }
        if (m.getSourceNamespace() != null && !m.getSourceNamespace().isEmpty() && !m.getSourceNamespace().equals(r.sourceNamespace())) {
            return false;
        }
        boolean ignoreCase = Boolean.TRUE.equals(m.getIgnoreUriCase());
        if (m.getUri() != null && !matchesString(m.getUri(), r.path(), ignoreCase)) {
            return false;
        }
        if (m.getMethod() != null && !matchesString(m.getMethod(), r.method().name(), false)) {
            return false;
        }
        if (m.getAuthority() != null && !matchesString(m.getAuthority(), r.authority(), false)) {
            return false;
        }
        if (m.getHeaders() != null) {
            for (Map.Entry<String, StringMatch> e : m.getHeaders().entrySet()) {
                if (!matchesHeader(e.getKey(), e.getValue(), r.headers())) {
                    return false;
                }
            }
        }
        if (m.getWithoutHeaders() != null) {
            for (Map.Entry<String, StringMatch> e : m.getWithoutHeaders().entrySet()) {
                if (matchesHeader(e.getKey(), e.getValue(), r.headers())) {
                    return false;
                }
            }
        }
        if (m.getQueryParams() != null) {
            for (Map.Entry<String, StringMatch> e : m.getQueryParams().entrySet()) {
                String value = r.query().get(e.getKey());
                if (value == null || !matchesPresentValue(e.getValue(), value)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Header names are case-insensitive on the wire; Istio requires lower-case keys in the resource. */
    private static boolean matchesHeader(String name, StringMatch match, MultiMap headers) {
        String value = headers.get(name.toLowerCase(Locale.ROOT));
        if (value == null) {
            return false;
        }
        return matchesPresentValue(match, value);
    }

    /** An empty StringMatch ({@code {}}) checks presence only. */
    private static boolean matchesPresentValue(StringMatch match, String value) {
        return match == null || match.getMatchType() == null || matchesString(match, value, false);
    }

    static boolean matchesString(StringMatch match, String value, boolean ignoreCase) {
        if (match.getMatchType() == null) {
            return value != null;
        }
        if (value == null) {
            return false;
        }
        if (match.getMatchType() instanceof StringMatchExact exact) {
            return ignoreCase ? exact.getExact().equalsIgnoreCase(value) : exact.getExact().equals(value);
        }
        if (match.getMatchType() instanceof StringMatchPrefix prefix) {
            return ignoreCase ? value.toLowerCase(Locale.ROOT).startsWith(prefix.getPrefix().toLowerCase(Locale.ROOT))
                    : value.startsWith(prefix.getPrefix());
        }
        if (match.getMatchType() instanceof StringMatchRegex regex) {
            return PATTERNS.computeIfAbsent(regex.getRegex(), Pattern::compile).matcher(value).matches();
        }
        return false;
    }
}
