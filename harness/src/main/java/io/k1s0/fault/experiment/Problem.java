package io.k1s0.fault.experiment;

/** One thing wrong with an experiment, at a place in the document; {@code line} 0 means "look it up by path". */
record Problem(FieldPath path, String message, int line) {

    Problem(FieldPath path, String message) {
        this(path, message, 0);
    }
}
