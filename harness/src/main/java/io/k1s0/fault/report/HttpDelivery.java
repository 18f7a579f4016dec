package io.k1s0.fault.report;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one request with timeouts and retries; never throws. Every message it logs or returns is redacted with
 * the given secrets, so a webhook URL in an exception text does not reach a log line.
 */
final class HttpDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);
    private final HttpClient client;
    private final HttpSettings settings;
    private final Secret[] secrets;

    HttpDelivery(HttpSettings settings, Secret... secrets) {
        this.settings = settings;
        this.secrets = secrets;
        this.client = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** {@code request} builds a fresh request per attempt; the request timeout is set here. */
    DeliveryResult send(String target, Supplier<HttpRequest.Builder> request) {
        int status = 0;
        String last = "not attempted";
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            Duration wait;
            try {
                HttpResponse<String> response = client.send(request.get().timeout(settings.requestTimeout()).build(),
                        HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                if (status >= 200 && status < 300) {
                    LOG.debug("{}: HTTP {} after {} attempt(s)", target, status, attempt);
                    return DeliveryResult.ok(target, status, attempt, response.body());
                }
                last = "HTTP " + status + ": " + abbreviate(response.body());
                if (status != 429 && status < 500) {
                    String msg = Secret.redact(target + " rejected the request with " + last, secrets);
                    LOG.warn("{}", msg);
                    return DeliveryResult.failed(target, status, attempt, msg);
                }
                wait = backoff(attempt, response.headers().firstValue("Retry-After"));
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + ": " + e.getMessage();
                wait = backoff(attempt, Optional.empty());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                String msg = Secret.redact(target + " interrupted after " + attempt + " attempt(s)", secrets);
                LOG.warn("{}", msg);
                return DeliveryResult.failed(target, status, attempt, msg);
            } catch (RuntimeException e) {
                String msg = Secret.redact(target + " could not be called: " + e.getMessage(), secrets);
                LOG.warn("{}", msg);
                return DeliveryResult.failed(target, status, attempt, msg);
            }
            if (attempt < settings.maxAttempts()) {
                LOG.info("{}: attempt {} of {} failed ({}); retrying in {} ms", target, attempt, settings.maxAttempts(),
                        Secret.redact(last, secrets), wait.toMillis());
                if (!pause(wait)) {
                    return DeliveryResult.failed(target, status, attempt,
                            Secret.redact(target + " interrupted while backing off", secrets));
                }
            }
        }
        String msg = Secret.redact(target + " failed after " + settings.maxAttempts() + " attempt(s); last: " + last, secrets);
        LOG.warn("{}", msg);
        return DeliveryResult.failed(target, status, settings.maxAttempts(), msg);
    }

    /** Exponential backoff, or the server's Retry-After (seconds or HTTP date) when that is longer; both capped. */
    Duration backoff(int attempt, Optional<String> retryAfter) {
        long exp = settings.initialBackoff().toMillis() << Math.min(20, attempt - 1);
        Duration wait = Duration.ofMillis(Math.min(exp, settings.maxBackoff().toMillis()));
        Duration asked = retryAfter.flatMap(HttpDelivery::parseRetryAfter).orElse(Duration.ZERO);
        if (asked.compareTo(wait) > 0) {
            wait = asked.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : asked;
        }
        return wait;
    }

    static Optional<Duration> parseRetryAfter(String value) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    /** Backoff pacing between attempts (not waiting for a state): a plain timed park. */
    private static boolean pause(Duration wait) {
        try {
            TimeUnit.MILLISECONDS.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static URI join(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    private static String abbreviate(String body) {
        String b = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return b.length() > 300 ? b.substring(0, 300) + "…" : b;
    }
}
