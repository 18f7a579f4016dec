package io.k1s0.fault.experiment;

/** A single YAML value that cannot be accepted; the message names the value and what is allowed. */
final class InvalidValueException extends IllegalArgumentException {

    InvalidValueException(String message) {
        super(message);
    }
}
