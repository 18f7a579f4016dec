package io.k1s0.fault.junit;

import io.k1s0.fault.api.AbortFault;
import io.k1s0.fault.api.CleanupMode;
import io.k1s0.fault.api.DelayFault;
import io.k1s0.fault.api.HeaderMatch;
import io.k1s0.fault.api.MeshFaultTest;
import io.k1s0.fault.api.MeshResource;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Reads what a test class and method declare, only through {@link AnnotationSupport}, so team meta-annotations
 * carrying {@code @MeshFaultTest}, {@code @MeshResource} or faults keep their attributes.
 */
final class Declarations {

    private Declarations() {}

    /** The class's options from its annotations (and its enclosing classes', for {@code @Nested} classes). */
    static MeshOptions fromAnnotations(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        List<Class<?>> enclosing = context.getEnclosingTestClasses();
        MeshFaultTest entry = AnnotationSupport.findAnnotation(testClass, MeshFaultTest.class, enclosing).orElse(null);
        String workloads = entry == null ? "" : entry.workloads();
        CleanupMode cleanup = entry == null ? CleanupMode.DEFAULT : entry.cleanup();
        List<String> resources = AnnotationSupport.findRepeatableAnnotations(testClass, MeshResource.class).stream()
                .map(MeshResource::value).toList();
        return new MeshOptions(workloads, resources, cleanup, classFaults(context));
    }

    /** Faults declared on the class (and on enclosing classes of a {@code @Nested} class). */
    static List<FaultDeclaration> classFaults(ExtensionContext context) {
        List<FaultDeclaration> faults = new ArrayList<>();
        for (Class<?> c : context.getEnclosingTestClasses()) {
            faults.addAll(faultsOn(c, "on " + c.getSimpleName()));
        }
        Class<?> testClass = context.getRequiredTestClass();
        faults.addAll(faultsOn(testClass, "on " + testClass.getSimpleName()));
        return faults;
    }

    /** Faults declared on the test method. */
    static List<FaultDeclaration> methodFaults(ExtensionContext context) {
        Method method = context.getRequiredTestMethod();
        return faultsOn(method, "on " + context.getRequiredTestClass().getSimpleName() + "." + method.getName() + "()");
    }

    static String classOrigin(String annotation, ExtensionContext context) {
        return annotation + " on " + context.getRequiredTestClass().getSimpleName();
    }

    private static List<FaultDeclaration> faultsOn(AnnotatedElement element, String where) {
        List<FaultDeclaration> faults = new ArrayList<>();
        for (DelayFault d : AnnotationSupport.findRepeatableAnnotations(element, DelayFault.class)) {
            String origin = "@DelayFault " + where;
            faults.add(FaultDeclaration.delay(origin, d.host(), d.namespace(), d.percent(), d.fixedDelay(),
                    header(origin, d.when())));
        }
        for (AbortFault a : AnnotationSupport.findRepeatableAnnotations(element, AbortFault.class)) {
            String origin = "@AbortFault " + where;
            faults.add(FaultDeclaration.abort(origin, a.host(), a.namespace(), a.percent(), a.httpStatus(),
                    header(origin, a.when())));
        }
        return faults;
    }

    private static Optional<FaultDeclaration.Header> header(String origin, HeaderMatch[] when) {
        if (when.length > 1) {
            throw new ExtensionConfigurationException(origin + ": when has " + when.length
                    + " header matches; allowed: at most one");
        }
        return when.length == 0 ? Optional.empty()
                : Optional.of(new FaultDeclaration.Header(when[0].name(), when[0].exact(), when[0].prefix(), when[0].regex()));
    }
}
