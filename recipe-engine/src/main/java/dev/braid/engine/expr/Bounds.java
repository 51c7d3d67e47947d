package dev.braid.engine.expr;

import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.Map;

import com.dashjoin.jsonata.Jsonata;

/**
 * The limits of one running evaluation: its deadline, how deeply it is nested, and the sizes of
 * what it builds. The evaluator calls {@link #enter} and {@link #exit} around every step it takes
 * (its entry and exit callbacks), and the bounded built-ins ({@link BoundedFunctions}) check before
 * they build; so the clock and the thread's interrupt flag are looked at inside every loop of the
 * evaluation, and a limit, once passed, fails every later check too (some built-ins swallow
 * exceptions, the next check throws again).
 *
 * <p>Why not the library's own {@code Frame.setRuntimeBounds}: its depth counter skips entries and
 * exits while a shared {@code isParallelCall} flag is set, which the array and object constructors
 * set on the current frame and never reset, so entries and exits stop pairing up and the counter
 * grows by one for every item mapped through an object or array constructor with more than one
 * entry: {@code trigger.events.({'a': x, 'b': y})} hit "depth 200" at the 200th event. Its clock is
 * also only read between evaluator steps, never inside a built-in such as {@code $pad}.
 */
final class Bounds {

    private static final ThreadLocal<Bounds> CURRENT = new ThreadLocal<>();

    /**
     * One object for both callbacks. Their interfaces are public but name the library's
     * package-private syntax tree type, so no lambda can implement them; a proxy can.
     */
    static final Object CALLBACKS = Proxy.newProxyInstance(Jsonata.class.getClassLoader(),
            new Class<?>[] {Jsonata.EntryCallback.class, Jsonata.ExitCallback.class},
            (proxy, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return switch (method.getName()) {
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        default -> "Bounds.CALLBACKS";
                    };
                }
                Bounds bounds = CURRENT.get();
                if (bounds != null) {
                    if (args.length == 3) {
                        bounds.enter();
                    } else {
                        bounds.exit(args[3]);
                    }
                }
                return null;
            });

    private final ExpressionLimits limits;
    private final long deadline;
    private int depth;
    private ExpressionLimitExceeded exceeded;

    private Bounds(ExpressionLimits limits) {
        this.limits = limits;
        this.deadline = System.nanoTime() + limits.timeLimit().toNanos();
    }

    /** Starts the bounds of an evaluation on this thread; close the scope when it ends. */
    static Scope open(ExpressionLimits limits) {
        Bounds previous = CURRENT.get();
        CURRENT.set(new Bounds(limits));
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** The bounds of the evaluation running on this thread (default limits outside of one). */
    static Bounds current() {
        Bounds bounds = CURRENT.get();
        return bounds != null ? bounds : new Bounds(ExpressionLimits.defaults());
    }

    interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    ExpressionLimits limits() {
        return limits;
    }

    void enter() {
        if (exceeded != null) {
            throw exceeded;
        }
        if (++depth > limits.maxDepth()) {
            throw exceed("it nested deeper than the depth limit of " + limits.maxDepth()
                    + " (a function that calls itself without end? the limit counts nesting, not items)");
        }
        checkTime();
    }

    void exit(Object result) {
        depth--;
        checkTime();
        checkSize(result);
    }

    /** Fails once the time is up or the thread was interrupted (a cancelled or timed-out step). */
    void checkTime() {
        if (exceeded != null) {
            throw exceeded;
        }
        if (System.nanoTime() - deadline >= 0) {
            throw exceed("it ran longer than the time limit of " + limits.timeLimit().toMillis()
                    + " ms (an endless loop, or more work than one expression should do?)");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw exceed("it was interrupted before it finished (the step was cancelled or timed out)");
        }
    }

    /** Fails when a value just built is larger than one string, array or object may be. */
    void checkSize(Object value) {
        if (value instanceof String s) {
            checkLength(s.length());
        } else if (value instanceof Collection<?> c) {
            checkItems(c.size());
        } else if (value instanceof Map<?, ?> m) {
            checkItems(m.size());
        }
    }

    void checkLength(long length) {
        if (length > limits.maxStringLength()) {
            throw exceed("it built a string of " + length + " characters, over the size limit of "
                    + limits.maxStringLength() + " characters");
        }
    }

    void checkItems(long items) {
        if (items > limits.maxItems()) {
            throw exceed("it built an array or object of " + items + " items, over the size limit of "
                    + limits.maxItems() + " items");
        }
    }

    private ExpressionLimitExceeded exceed(String detail) {
        exceeded = new ExpressionLimitExceeded(detail);
        return exceeded;
    }
}
