package io.k1s0.fault.localmesh;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What Fortio's echo server does for one request, from its query parameters ({@code status}, {@code delay},
 * {@code size}, {@code header}, {@code close}); a workload's default behaviour fills in every parameter the
 * query does not carry. Syntax as in Fortio's README "Server URLs and features": a single value, or a comma
 * list of {@code value:percent}, e.g. {@code status=503:5,429:1}, {@code delay=150us:10,2ms:5}.
 *
 * <p>{@code close} is Fortio's "close the socket after answering" ({@code close=true}, or a percentage);
 * {@code close=reset} and an empty {@code close=} are a local-mesh extension that close the connection
 * without any response, to produce upstream resets (the real Fortio ignores them).
 */
record EchoBehaviour(
        List<Weighted<Integer>> status,
        List<Weighted<Duration>> delay,
        List<Weighted<Integer>> size,
        List<Map.Entry<String, String>> headers,
        double closeAfterPercent,
        boolean reset) {

    static final EchoBehaviour NONE = new EchoBehaviour(List.of(), List.of(), List.of(), List.of(), 0, false);

    /** A value drawn with {@code percent} probability (0..100). */
    record Weighted<T>(T value, double percent) {}

    EchoBehaviour {
        status = List.copyOf(status);
        delay = List.copyOf(delay);
        size = List.copyOf(size);
        headers = List.copyOf(headers);
    }

    /**
     * Parses a query string ({@code status=503:5&delay=10ms}); parameters missing from it come from
     * {@code defaults}.
     *
     * @throws IllegalArgumentException naming the parameter, the value given and the expected form
     */
    static EchoBehaviour parse(String query, EchoBehaviour defaults) {
        Map<String, List<String>> params = new QueryStringDecoder(query == null ? "" : query, false).parameters();
        List<Weighted<Integer>> status = params.containsKey("status")
                ? weighted("status", params.get("status"), EchoBehaviour::statusCode) : defaults.status();
        List<Weighted<Duration>> delay = params.containsKey("delay")
                ? weighted("delay", params.get("delay"), v -> GoDuration.parse(v)) : defaults.delay();
        List<Weighted<Integer>> size = params.containsKey("size")
                ? weighted("size", params.get("size"), EchoBehaviour::nonNegative) : defaults.size();
        List<Map.Entry<String, String>> headers = params.containsKey("header") ? headers(params.get("header")) : defaults.headers();
        double closeAfter = defaults.closeAfterPercent();
        boolean reset = defaults.reset();
        if (params.containsKey("close")) {
            String v = params.get("close").get(0).trim();
            reset = v.isEmpty() || v.equalsIgnoreCase("reset");
            closeAfter = reset ? 0 : closePercent(v);
        }
        return new EchoBehaviour(status, delay, size, headers, closeAfter, reset);
    }

    static EchoBehaviour parseDefaults(String query) {
        return parse(query, NONE);
    }

    private static <T> List<Weighted<T>> weighted(String name, List<String> raw, Function<String, T> value) {
        List<Weighted<T>> result = new ArrayList<>();
        double total = 0;
        for (String item : String.join(",", raw).split(",")) {
            String s = item.trim();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            String v = colon < 0 ? s : s.substring(0, colon);
            double percent = 100;
            if (colon >= 0) {
                try {
                    percent = Double.parseDouble(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + "=" + String.join(",", raw) + ": '" + s.substring(colon + 1)
                            + "' is not a percentage; expected value:percent with percent in 0..100, e.g. " + example(name));
                }
            }
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException(name + "=" + String.join(",", raw) + ": percentage " + percent + " is outside 0..100");
            }
            try {
                result.add(new Weighted<>(value.apply(v.trim()), percent));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + "=" + String.join(",", raw) + ": " + e.getMessage() + "; expected e.g. " + example(name), e);
            }
            total += percent;
        }
        if (total > 100.0000001) {
            throw new IllegalArgumentException(name + "=" + String.join(",", raw) + ": percentages add up to " + total + ", more than 100");
        }
        return result;
    }

    private static String example(String name) {
        return switch (name) {
            case "status" -> "status=503:5,429:1";
            case "delay" -> "delay=100ms:10,1s:1";
            default -> "size=1024:10,512:5";
        };
    }

    private static Integer statusCode(String v) {
        int code = nonNegative(v);
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("status " + code + " is outside 100..599");
        }
        return code;
    }

    private static Integer nonNegative(String v) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new IllegalArgumentException("'" + v + "' is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a whole number");
        }
    }

    private static double closePercent(String v) {
        if (v.equalsIgnoreCase("true")) {
            return 100;
        }
        if (v.equalsIgnoreCase("false")) {
            return 0;
        }
        try {
            double p = Double.parseDouble(v);
            if (p < 0 || p > 100) {
                throw new IllegalArgumentException("close=" + v + ": percentage is outside 0..100");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("close=" + v + ": expected true, false, a percentage 0..100, reset or an empty value");
        }
    }

    private static List<Map.Entry<String, String>> headers(List<String> raw) {
        List<Map.Entry<String, String>> result = new ArrayList<>();
        for (String h : raw) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header=" + h + ": expected name:value, e.g. header=X-Foo:bar");
            }
            result.add(Map.entry(h.substring(0, colon).trim(), h.substring(colon + 1).trim()));
        }
        return result;
    }

    /** Draws one value per list with independent uniform {@code roll}s in [0, 100); null means "none drawn". */
    static <T> T draw(List<Weighted<T>> options, double roll) {
        double cumulative = 0;
        for (Weighted<T> w : options) {
            cumulative += w.percent();
            if (roll < cumulative) {
                return w.value();
            }
        }
        return null;
    }
}
