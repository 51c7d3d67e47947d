package dev.braid.connectors.mail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;

import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.Connector;
import tools.jackson.databind.JsonNode;

/**
 * {@code mail}: sends e-mail over SMTP. A connection names the server ({@code host}, {@code port}),
 * optional credentials, how to secure the link ({@code tls: none|starttls|ssl}), hosts whose
 * self-signed certificates to accept ({@code trustedHosts}), a default {@code from} and a
 * {@code timeout}. Each send opens its own Jakarta Mail session and SMTP connection.
 */
public final class MailConnector implements Connector {

    private final Map<String, Action> actions = Map.of("send", new MailSendAction());

    @Override
    public String name() {
        return "mail";
    }

    @Override
    public Map<String, Action> actions() {
        return actions;
    }

    @Override
    public JsonNode connectionSchema() {
        return MailSchemas.CONNECTION.node();
    }

    @Override
    public String description() {
        return "Sends e-mail over SMTP (plain, STARTTLS or SSL, with optional login): text, HTML or both.";
    }

    /** Connects to the SMTP server (greeting, EHLO, STARTTLS or TLS, and the login when it has one), sends nothing. */
    @Override
    public Optional<String> testConnection(ActionContext context) throws ActionException {
        List<String> problems = new java.util.ArrayList<>(MailSchemas.CONNECTION.violations(context.connection(), "connection"));
        if (problems.isEmpty()) {
            problems.addAll(SmtpConnection.problems(context.connection()));
        }
        if (!problems.isEmpty()) {
            throw ActionException.fatal(MailFailure.CONNECTION, String.join("; ", problems));
        }
        SmtpConnection connection = SmtpConnection.of(context.connection());
        Duration remaining = context.remaining();
        if (remaining.isZero()) {
            throw MailFailure.deadlinePassed(connection);
        }
        Duration timeout = connection.timeout().compareTo(remaining) <= 0 ? connection.timeout() : remaining;
        Session session = Session.getInstance(connection.sessionProperties(timeout));
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(connection.host(), connection.port(), connection.username(),
                    connection.authenticates() && connection.password() == null ? "" : connection.password());
            return Optional.of("SMTP server " + connection.describe() + " answered"
                    + (connection.authenticates() ? " and accepted the login of " + connection.username() : "")
                    + " (tls: " + connection.tls() + ")");
        } catch (MessagingException e) {
            throw MailFailure.of(e, connection, timeout);
        }
    }
}
