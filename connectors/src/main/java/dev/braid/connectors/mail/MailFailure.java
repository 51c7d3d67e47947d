package dev.braid.connectors.mail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

import dev.braid.engine.model.Durations;
import dev.braid.engine.spi.ActionException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

/**
 * What a failed send means for a retry. The server's own verdict decides where there is one: SMTP
 * replies 4xx are transient, 5xx permanent. Unreachable servers, timeouts and broken connections are
 * retried; a refused login or an untrusted certificate is not. No message carries the password.
 */
final class MailFailure {

    static final String CONNECTION = "mail.connection";
    static final String TRANSIENT = "mail.transient";
    static final String REJECTED = "mail.rejected";
    static final String AUTH = "mail.auth";
    static final String TLS = "mail.tls";

    private static final Pattern REPLY_CODE = Pattern.compile("^\\s*([2-5])([0-9]{2})\\b");

    private MailFailure() {}

    static ActionException of(MessagingException e, SmtpConnection connection, Duration timeout) {
        String server = "SMTP server " + connection.describe();
        ActionException failure = classify(e, server, timeout);
        return scrubbed(failure, connection.password());
    }

    static ActionException deadlinePassed(SmtpConnection connection) {
        return ActionException.retryable(CONNECTION,
                "the step's deadline passed before connecting to SMTP server " + connection.describe());
    }

    private static ActionException classify(MessagingException e, String server, Duration timeout) {
        if (e instanceof AuthenticationFailedException) {
            int code = replyCode(e.getMessage());
            if (code >= 400 && code < 500) {
                return ActionException.retryable(TRANSIENT, server + " refused the login for now: " + reply(e), e);
            }
            return ActionException.fatal(AUTH, server + " refused the login: " + reply(e), e);
        }
        int code = smtpCode(e);
        if (code >= 400) {
            String recipients = failedRecipients(e);
            String what = recipients.isEmpty() ? "the message" : "recipient " + recipients;
            return code >= 500
                    ? ActionException.fatal(REJECTED, server + " rejected " + what + ": " + reply(e), e)
                    : ActionException.retryable(TRANSIENT, server + " deferred " + what + ": " + reply(e), e);
        }
        Throwable tls = find(e, SSLHandshakeException.class, CertificateException.class);
        if (tls != null) {
            return ActionException.fatal(TLS, server + ": TLS handshake failed (" + tls.getMessage()
                    + "); list a self-signed server under trustedHosts", e);
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("STARTTLS")) {
            return ActionException.fatal(TLS, server + ": " + text + "; use tls: ssl or none", e);
        }
        if (find(e, SocketTimeoutException.class) != null) {
            return ActionException.retryable(CONNECTION, server + " did not answer within " + Durations.format(timeout), e);
        }
        if (e instanceof MailConnectException || find(e, ConnectException.class, UnknownHostException.class) != null) {
            Throwable root = rootOf(e);
            return ActionException.retryable(CONNECTION, "could not connect to " + server + ": " + root, e);
        }
        if (find(e, IOException.class, SSLException.class) != null) {
            return ActionException.retryable(CONNECTION, "the connection to " + server + " broke: " + rootOf(e), e);
        }
        return ActionException.fatal(REJECTED, server + ": " + text, e);
    }

    /** The reply code of the first SMTP verdict in the exception chain, or 0. */
    private static int smtpCode(MessagingException e) {
        int worst = 0;
        Exception next = e;
        for (int depth = 0; next != null && depth < 20; depth++) {
            int code = switch (next) {
                case SMTPSendFailedException s -> s.getReturnCode();
                case SMTPAddressFailedException a -> a.getReturnCode();
                case SMTPSenderFailedException f -> f.getReturnCode();
                default -> 0;
            };
            worst = Math.max(worst, code);
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return worst >= 400 ? worst : replyCode(e.getMessage());
    }

    /** The recipients the server refused, comma-separated; empty when it refused none by name. */
    private static String failedRecipients(MessagingException e) {
        StringBuilder out = new StringBuilder();
        Exception next = e;
        for (int depth = 0; next != null && depth < 20; depth++) {
            if (next instanceof SMTPAddressFailedException a && a.getAddress() != null) {
                out.append(out.isEmpty() ? "" : ", ").append(a.getAddress().getAddress());
            }
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return out.toString();
    }

    private static int replyCode(String message) {
        if (message == null) {
            return 0;
        }
        Matcher m = REPLY_CODE.matcher(message);
        return m.find() ? Integer.parseInt(m.group(1) + m.group(2)) : 0;
    }

    /** The server's reply lines in the chain, joined; the exception's message when there are none. */
    private static String reply(MessagingException e) {
        StringBuilder out = new StringBuilder();
        Exception next = e;
        for (int depth = 0; next != null && depth < 20; depth++) {
            String message = next.getMessage();
            if (message != null && !message.isBlank() && !message.strip().equals("Invalid Addresses")
                    && out.indexOf(message.strip()) < 0) {
                if (!out.isEmpty()) {
                    out.append("; ");
                }
                out.append(message.strip());
            }
            next = next instanceof MessagingException m ? m.getNextException() : null;
        }
        return out.isEmpty() ? e.toString() : out.toString();
    }

    @SafeVarargs
    private static Throwable find(Throwable t, Class<? extends Throwable>... types) {
        for (int depth = 0; t != null && depth < 20; depth++) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
            Throwable next = t instanceof MessagingException m && m.getNextException() != null
                    ? m.getNextException() : t.getCause();
            t = next == t ? null : next;
        }
        return null;
    }

    private static Throwable rootOf(Throwable t) {
        Throwable root = t;
        for (int depth = 0; depth < 20; depth++) {
            Throwable next = root instanceof MessagingException m && m.getNextException() != null
                    ? m.getNextException() : root.getCause();
            if (next == null || next == root) {
                break;
            }
            root = next;
        }
        return root;
    }

    /** Defensive: a server that echoes the password must not get it into run history. */
    private static ActionException scrubbed(ActionException failure, String password) {
        if (password == null || password.isEmpty() || !String.valueOf(failure.getMessage()).contains(password)) {
            return failure;
        }
        String message = failure.getMessage().replace(password, "****");
        // The cause may carry the same text, so it is dropped.
        return failure.retryable()
                ? ActionException.retryable(failure.type(), message)
                : ActionException.fatal(failure.type(), message);
    }
}
