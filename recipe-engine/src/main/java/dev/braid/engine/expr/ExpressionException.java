package dev.braid.engine.expr;

import java.util.OptionalInt;

import com.dashjoin.jsonata.JException;

/** An expression could not be compiled or evaluated (syntax, time limit, depth limit, runtime error). */
public final class ExpressionException extends RuntimeException {

    private final String expression;

    public ExpressionException(String message) {
        this(message, null, null);
    }

    public ExpressionException(String message, Throwable cause) {
        this(message, cause, null);
    }

    /** A failure of {@code expression} (the bare expression, or the part of a template inside one {@code {{ }}}). */
    public ExpressionException(String message, Throwable cause, String expression) {
        super(message, cause);
        this.expression = expression;
    }

    /** The expression that failed, when known: inside a template, the text of the failing {@code {{ }}}. */
    public String expression() {
        return expression;
    }

    /** Where in {@link #expression()} JSONata found the error (a character offset), when it said. */
    public OptionalInt position() {
        for (Throwable t = getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JException j) {
                return j.getLocation() >= 0 ? OptionalInt.of(j.getLocation()) : OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
