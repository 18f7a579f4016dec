package io.k1s0.fault.api;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Scopes a fault to requests whose header matches, e.g. {@code @HeaderMatch(name = "x-canary", exact = "true")}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface HeaderMatch {

    /** Header name, lower-case as Istio requires. */
    String name();

    /** Exact value; set exactly one of exact, prefix, regex. */
    String exact() default "";

    /** Value prefix. */
    String prefix() default "";

    /** RE2-style regular expression on the whole value. */
    String regex() default "";
}
