package dev.braid.connectors.mail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code mail.send {from, to, cc, bcc, replyTo, subject, text, html, headers}} →
 * {@code {messageId, accepted}}. The step's idempotency key travels as
 * {@code X-Braid-Idempotency-Key} and shapes the Message-ID ({@code <key-hash@braid>}), so every
 * attempt of a step sends the same id and a receiver can spot the duplicate of a retried send.
 */
public final class MailSendAction implements Action {

    @Override
    public JsonNode inputSchema() {
        return MailSchemas.INPUT.node();
    }

    @Override
    public JsonNode example() {
        return tools.jackson.databind.json.JsonMapper.shared().readTree("{\"to\": \"{{ trigger.body.email }}\", \"subject\": \"Your order {{ trigger.body.id }}\", \"text\": \"Thank you, {{ trigger.body.name }}!\"}");
    }

    @Override
    public String description() {
        return "Sends one e-mail over SMTP and returns {messageId, accepted}; text, html or both "
                + "(multipart/alternative). Unreachable servers, timeouts and 4xx replies are retried; "
                + "5xx replies and refused logins fail the step.";
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        JsonNode settings = Inputs.orEmptyObject(ctx.connection());
        List<String> problems = new ArrayList<>(MailSchemas.INPUT.violations(with, "with"));
        problems.addAll(MailSchemas.CONNECTION.violations(settings, "connection"));
        if (problems.isEmpty()) {
            problems.addAll(SmtpConnection.problems(settings));
        }
        if (!problems.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, String.join("; ", problems));
        }
        SmtpConnection connection = SmtpConnection.of(settings);
        OutgoingMail mail = OutgoingMail.from(with, connection.from(), problems);
        if (mail == null) {
            throw ActionException.fatal(JsonSchema.INVALID, String.join("; ", problems));
        }
        if (ctx.dryRun()) {
            // The engine describes non-pure steps in a dry run instead of calling them; should one
            // reach us anyway, nothing is sent.
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("dryRun", true);
            ArrayNode to = out.putArray("to");
            mail.to().forEach(a -> to.add(a.getAddress()));
            return ActionResult.of(out.put("subject", mail.subject()));
        }
        return ActionResult.of(send(ctx, connection, mail));
    }

    private static ObjectNode send(ActionContext ctx, SmtpConnection connection, OutgoingMail mail)
            throws ActionException {
        Duration remaining = ctx.remaining();
        if (remaining.isZero()) {
            throw MailFailure.deadlinePassed(connection);
        }
        Duration timeout = connection.timeout().compareTo(remaining) <= 0 ? connection.timeout() : remaining;
        if (connection.authenticates() && connection.tls().equals("none")) {
            ctx.log().warn("mail.send logs in to " + connection.describe() + " without TLS");
        }
        Session session = Session.getInstance(connection.sessionProperties(timeout));
        try {
            MimeMessage message = mail.toMimeMessage(session, ctx.idempotencyKey(), Date.from(ctx.clock().instant()));
            try (Transport transport = session.getTransport("smtp")) {
                if (connection.authenticates()) {
                    transport.connect(connection.host(), connection.port(), connection.username(),
                            connection.password() == null ? "" : connection.password());
                } else {
                    transport.connect(connection.host(), connection.port(), null, null);
                }
                transport.sendMessage(message, message.getAllRecipients());
            }
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("messageId", message.getMessageID());
            ArrayNode accepted = out.putArray("accepted");
            mail.recipients().forEach(accepted::add);
            ctx.log().info("mail.send: " + message.getMessageID() + " accepted by " + connection.describe()
                    + " for " + mail.recipients().size() + " recipient(s)");
            return out;
        } catch (MessagingException e) {
            throw MailFailure.of(e, connection, timeout);
        }
    }
}
