package dev.braid.connectors.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;

import dev.braid.engine.spi.ActionException;

/**
 * The client's exceptions as step errors: refused credentials, an exchange that does not exist (404) or
 * access refused (403) fail the step at once — another attempt meets the same answer; an unreachable
 * broker, a dropped connection, a nack or a confirm that did not come in time are retried.
 */
final class AmqpFailure {

    static final String RETRYABLE = "amqp.unavailable";
    static final String FATAL = "amqp.rejected";

    private AmqpFailure() {
    }

    static ActionException of(Exception e, String what) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof ShutdownSignalException)) {
            cause = cause.getCause();
        }
        String message = what + " failed: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        if (e instanceof AuthenticationFailureException || e instanceof PossibleAuthenticationFailureException) {
            return ActionException.fatal(FATAL, message, e);
        }
        if (cause instanceof ShutdownSignalException signal && signal.getReason() instanceof Method reason) {
            int code = reason instanceof AMQP.Channel.Close close ? close.getReplyCode()
                    : reason instanceof AMQP.Connection.Close close ? close.getReplyCode() : 0;
            if (code == AMQP.NOT_FOUND || code == AMQP.ACCESS_REFUSED || code == AMQP.NOT_ALLOWED) {
                return ActionException.fatal(FATAL, message, e);
            }
        }
        return ActionException.retryable(RETRYABLE, message, e);
    }
}
