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
    public boolean describesDryRun() {
        return true;
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
            // The envelope and content as they would go to the SMTP server; the connection's login never shows.
            ObjectNode out = JsonNodeFactory.instance.objectNode().put("dryRun", true);
            out.put("from", mail.from() == null ? null : mail.from().toString());
            addresses(out, "to", mail.to());
            addresses(out, "cc", mail.cc());
            addresses(out, "bcc", mail.bcc());
            addresses(out, "replyTo", mail.replyTo());
            out.put("subject", mail.subject());
            if (mail.text() != null) {
                out.put("text", mail.text());
            }
            if (mail.html() != null) {
                out.put("html", mail.html());
            }
            ObjectNode headers = out.putObject("headers");
            if (mail.headers() != null) {
                mail.headers().forEach(headers::put);
            }
            headers.put(OutgoingMail.IDEMPOTENCY_HEADER, ctx.idempotencyKey());
            return ActionResult.of(out);
        }
        return ActionResult.of(send(ctx, connection, mail));
    }

    /** {@code to}, {@code cc}, {@code bcc}, {@code replyTo}: the addresses, {@code to} always, the others when given. */
    private static void addresses(ObjectNode out, String name, java.util.List<jakarta.mail.internet.InternetAddress> list) {
        if (list == null || (list.isEmpty() && !name.equals("to"))) {
            return;
        }
        ArrayNode a = out.putArray(name);
        list.forEach(address -> a.add(address.getAddress()));
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
