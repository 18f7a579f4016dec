package io.k1s0.fault.report;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Posts the run's Adaptive Card to a Teams Workflows webhook ("When a Teams webhook request is received"). The
 * webhook URL is a credential: it is held as a {@link Secret} and redacted from every message and log line.
 */
public final class TeamsNotifier {

    private final Secret webhookUrl;
    private final HttpDelivery http;
    private final URI uri;

    public TeamsNotifier(Secret webhookUrl, HttpSettings settings) {
        if (webhookUrl == null) {
            throw new IllegalArgumentException("teams webhook url is missing; give it from an environment variable or a file");
        }
        URI parsed;
        try {
            parsed = URI.create(webhookUrl.reveal());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("teams webhook url " + webhookUrl + " is not a URL; allowed: an https:// URL", e);
        }
        if (!"https".equals(parsed.getScheme()) && !isLoopback(parsed)) {
            throw new IllegalArgumentException("teams webhook url " + webhookUrl + " has scheme '" + parsed.getScheme()
                    + "'; allowed: https (http only for localhost)");
        }
        this.webhookUrl = webhookUrl;
        this.uri = parsed;
        this.http = new HttpDelivery(settings, webhookUrl);
    }

    /** Posts one card for {@code report}, comparing with {@code previous} (newest first). Never throws. */
    public DeliveryResult post(RunReport report, List<RunReport> previous) {
        String body;
        try {
            body = AdaptiveCard.envelope(report, previous, AdaptiveCard.MAX_BYTES);
        } catch (IllegalStateException e) {
            return DeliveryResult.failed("Teams webhook", 0, 0, Secret.redact(e.getMessage(), webhookUrl));
        }
        return http.send("Teams webhook", () -> HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    private static boolean isLoopback(URI u) {
        return "http".equals(u.getScheme()) && ("127.0.0.1".equals(u.getHost()) || "localhost".equals(u.getHost()));
    }
}
