package dev.braid.connectors.mail;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/** {@code tls: ssl} against GreenMail's SMTPS with its self-signed certificate. */
class MailTlsTest {

    private final GreenMail smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", "smtps").dynamicPort());

    MailTlsTest() {
        smtps.start();
    }

    @AfterEach
    void stop() {
        smtps.stop();
    }

    private JsonNode connection(String extra) {
        return json("{host: '127.0.0.1', port: " + smtps.getSmtps().getPort()
                + ", tls: 'ssl', from: 'a@example.com', timeout: '5s'" + extra + "}");
    }

    @Test
    void aSelfSignedServerListedInTrustedHostsIsUsed() throws Exception {
        new MailSendAction().execute(aContext().connection(connection(", trustedHosts: ['127.0.0.1']")).build(),
                object("{to: 'bob@example.com', subject: 'Over TLS', text: 'x'}"));

        assertThat(smtps.getReceivedMessages()).hasSize(1);
        assertThat(smtps.getReceivedMessages()[0].getSubject()).isEqualTo("Over TLS");
    }

    @Test
    void anUntrustedCertificateIsFatal() {
        ActionException e = catchThrowableOfType(ActionException.class, () -> new MailSendAction().execute(
                aContext().connection(connection("")).build(),
                object("{to: 'bob@example.com', subject: 'Over TLS', text: 'x'}")));

        assertThat(e).isNotNull();
        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("mail.tls");
        assertThat(e.getMessage()).contains("trustedHosts");
        assertThat(smtps.getReceivedMessages()).isEmpty();
    }
}
