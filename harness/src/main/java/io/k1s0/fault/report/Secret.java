package io.k1s0.fault.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A credential (Grafana token, Teams webhook URL) read from the environment or a mounted file. Its
 * {@link #toString()} is redacted, so it can be passed to a logger or a message by mistake without leaking;
 * {@link #redact(String, Secret...)} scrubs texts that might contain the value (error messages, reports).
 */
public final class Secret {

    static final String REDACTED = "****";
    private final String name;
    private final String value;

    private Secret(String name, String value) {
        this.name = name;
        this.value = value;
    }

    /** A secret given directly (tests, or a value the caller already read). */
    public static Secret of(String name, String value) {
        Objects.requireNonNull(name, "secret name");
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("secret " + name + " is empty; give a non-blank value");
        }
        return new Secret(name, value.strip());
    }

    /** Reads environment variable {@code variable}; fails naming the variable when it is unset or blank. */
    public static Secret fromEnv(String variable) {
        return fromEnv(variable, System.getenv());
    }

    static Secret fromEnv(String variable, Map<String, String> env) {
        String v = env.get(variable);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("environment variable " + variable + " is "
                    + (v == null ? "unset" : "blank") + "; it must hold the secret");
        }
        return new Secret(variable, v.strip());
    }

    /** Reads a file such as a mounted Kubernetes Secret key; trailing newlines are dropped. */
    public static Secret fromFile(Path file) {
        try {
            String v = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (v.isEmpty()) {
                throw new IllegalArgumentException("secret file " + file + " is empty; it must hold the secret");
            }
            return new Secret(file.getFileName().toString(), v);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file, e);
        }
    }

    /** The value, for the one place that sends it (an Authorization header, the webhook request URI). */
    public String reveal() {
        return value;
    }

    public String name() {
        return name;
    }

    /** Replaces every occurrence of any of the secrets' values in {@code text} with {@value #REDACTED}. */
    public static String redact(String text, Secret... secrets) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Secret s : secrets) {
            if (s != null) {
                out = out.replace(s.value, REDACTED);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "Secret[" + name + "=" + REDACTED + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.name.equals(name) && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value);
    }
}
