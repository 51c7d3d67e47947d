package dev.braid.engine.expr;

/** An expression could not be compiled or evaluated (syntax, time limit, depth limit, runtime error). */
public final class ExpressionException extends RuntimeException {

    public ExpressionException(String message) {
        super(message);
    }

    public ExpressionException(String message, Throwable cause) {
        super(message, cause);
    }
}
