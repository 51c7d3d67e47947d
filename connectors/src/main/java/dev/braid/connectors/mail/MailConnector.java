package dev.braid.connectors.mail;

import java.util.Map;

import dev.braid.engine.spi.Action;
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
}
