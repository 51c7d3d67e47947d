package dev.braid.engine.expr;

import com.dashjoin.jsonata.JException;

/**
 * An evaluation went past one of its {@link ExpressionLimits}. A {@link JException} on purpose: the
 * evaluator rethrows those untouched where it would wrap or replace any other exception (the right
 * side of {@code and}/{@code or}, function calls), so the message naming the limit reaches the user.
 */
final class ExpressionLimitExceeded extends JException {

    private final String detail;

    ExpressionLimitExceeded(String detail) {
        super(null, "limit", -1, null, null);
        this.detail = detail;
    }

    @Override
    public String getMessage() {
        return detail;
    }

    /** The part after "Expression '…' failed: ". */
    String detail() {
        return detail;
    }
}
