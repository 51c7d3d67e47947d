package dev.braid.connectors.mail;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;

import java.util.ArrayList;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.braid.connectors.ActionFixture;
import dev.braid.engine.spi.Action;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code mail.send} against a GreenMail SMTP server on 127.0.0.1, on a free port, without TLS. */
final class MailFixture implements ActionFixture {

    final GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    private final MailConnector connector = new MailConnector();

    MailFixture() {
        greenMail.start();
    }

    int port() {
        return greenMail.getSmtp().getPort();
    }

    @Override
    public Action action() {
        return connector.actions().get("send");
    }

    @Override
    public ObjectNode validInput() {
        return object("{to: 'ops@example.com', subject: 'Order 7', text: 'Order 7 was received.'}");
    }

    @Override
    public JsonNode connection() {
        return json("{host: '127.0.0.1', port: " + port() + ", tls: 'none', from: 'braid@example.com', timeout: '5s'}");
    }

    @Override
    public int effects() {
        return greenMail.getReceivedMessages().length;
    }

    @Override
    public boolean forwardsIdempotencyKey() {
        return true;
    }

    @Override
    public List<String> idempotencyKeysReceived() {
        List<String> keys = new ArrayList<>();
        for (MimeMessage m : greenMail.getReceivedMessages()) {
            try {
                keys.add(m.getHeader(OutgoingMail.IDEMPOTENCY_HEADER, null));
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return keys;
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
