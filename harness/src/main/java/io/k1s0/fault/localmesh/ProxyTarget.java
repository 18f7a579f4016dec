package io.k1s0.fault.localmesh;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The absolute-form request target a forward proxy receives ({@code GET http://host[:port]/path?query}).
 *
 * @param host the host as the caller wrote it
 * @param port the port, 80 when the target names none
 * @param hostHeader the Host the caller meant: the host, with the port only when the target gave one
 * @param pathAndQuery the raw path ({@code /} when empty) and query; a fragment is dropped
 */
record ProxyTarget(String host, int port, String hostHeader, String pathAndQuery) {
    private static final String USAGE = "; this is the outbound forward proxy of a local-mesh sidecar: send absolute-URI requests, "
            + "e.g. curl -x http://127.0.0.1:PORT http://order-server.k1s0-service/orders";
    private static final int SCHEME_LENGTH = "http://".length();

    /**
     * Parses a request target. The common form (a DNS name or IPv4 address, an optional port, then a path and query
     * of plain URI characters) is read directly, as this runs for every proxied request; anything else
     * (user info, IPv6 literals, percent-escapes) goes through {@link URI}, which also rejects what is invalid.
     */
    static ProxyTarget parse(String requestTarget) {
        if (requestTarget == null || !requestTarget.regionMatches(true, 0, "http://", 0, SCHEME_LENGTH)) {
            throw new IllegalArgumentException("local-mesh sidecar: request target '" + requestTarget + "' is not an absolute http:// URI" + USAGE);
        }
        ProxyTarget plain = plainForm(requestTarget);
        return plain != null ? plain : viaUri(requestTarget);
    }

    private static ProxyTarget plainForm(String target) {
        int end = SCHEME_LENGTH;
        int colon = -1;
        while (end < target.length()) {
            char c = target.charAt(end);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            if (c == ':' && colon < 0) {
                colon = end;
            } else if (!(isLetterOrDigit(c) || c == '-' || c == '.') || (colon >= 0 && !(c >= '0' && c <= '9'))) {
                return null;
            }
            end++;
        }
        int hostEnd = colon < 0 ? end : colon;
        int portDigits = colon < 0 ? 0 : end - colon - 1;
        if (hostEnd == SCHEME_LENGTH || (colon >= 0 && (portDigits == 0 || portDigits > 5))) {
            return null;
        }
        int fragment = target.indexOf('#', end);
        String rest = target.substring(end, fragment < 0 ? target.length() : fragment);
        for (int i = 0; i < rest.length(); i++) {
            if (!isPlainUriChar(rest.charAt(i))) {
                return null;
            }
        }
        int port = colon < 0 ? -1 : Integer.parseInt(target, colon + 1, end, 10);
        return of(target.substring(SCHEME_LENGTH, hostEnd), port, rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest);
    }

    /** {@code port} is -1 when the target names none: then it is 80 and the Host header carries no port. */
    private static ProxyTarget of(String host, int port, String pathAndQuery) {
        return port < 0 ? new ProxyTarget(host, 80, host, pathAndQuery) : new ProxyTarget(host, port, host + ":" + port, pathAndQuery);
    }

    private static boolean isLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** Unreserved and reserved characters of RFC 3986 except {@code %} and {@code #}: nothing to decode or validate. */
    private static boolean isPlainUriChar(char c) {
        return isLetterOrDigit(c) || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0;
    }

    private static ProxyTarget viaUri(String requestTarget) {
        URI uri;
        try {
            uri = new URI(requestTarget);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("local-mesh sidecar: request target '" + requestTarget + "' is not a valid URI: " + e.getReason() + USAGE);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("local-mesh sidecar: request target '" + requestTarget + "' has no host" + USAGE);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return of(uri.getHost(), uri.getPort(), path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }
}
