package dev.braid.connectors.mail;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.braid.engine.spi.ActionException;

/** SMTP replies decide: 4xx may heal, 5xx will not. */
class MailVerdictTest {

    private static ActionException sendTo(Map<String, String> script) throws Exception {
        try (ScriptedSmtp smtp = new ScriptedSmtp(script)) {
            ActionException e = catchThrowableOfType(ActionException.class, () -> new MailSendAction().execute(
                    aContext().connection(json("{host: '127.0.0.1', port: " + smtp.port()
                            + ", tls: 'none', from: 'a@example.com', timeout: '5s'}")).build(),
                    object("{to: 'bob@example.com', subject: 'Hi', text: 'x'}")));
            assertThat(e).as("an ActionException").isNotNull();
            return e;
        }
    }

    @Test
    void aRejectedRecipientIsFatal() throws Exception {
        ActionException e = sendTo(Map.of("RCPT", "550 5.1.1 no such user"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("mail.rejected");
        assertThat(e.getMessage()).contains("recipient bob@example.com").contains("550 5.1.1 no such user");
    }

    @Test
    void aDeferredRecipientIsRetryable() throws Exception {
        ActionException e = sendTo(Map.of("RCPT", "451 4.3.0 try again later"));

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("mail.transient");
    }

    @Test
    void aRejectedSenderIsFatal() throws Exception {
        ActionException e = sendTo(Map.of("MAIL", "553 5.7.1 sender not allowed"));

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("mail.rejected");
    }

    @Test
    void aMessageRefusedAfterDataIsFatalAndAFullQueueRetryable() throws Exception {
        ActionException spam = sendTo(Map.of("END", "554 5.7.1 looks like spam"));
        ActionException full = sendTo(Map.of("END", "452 4.3.1 insufficient storage"));

        assertThat(spam.retryable()).isFalse();
        assertThat(spam.type()).isEqualTo("mail.rejected");
        assertThat(full.retryable()).isTrue();
        assertThat(full.type()).isEqualTo("mail.transient");
    }

    @Test
    void aServerThatNeverAnswersTimesOutRetryably() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            ActionException e = catchThrowableOfType(ActionException.class, () -> new MailSendAction().execute(
                    aContext().connection(json("{host: '127.0.0.1', port: " + silent.getLocalPort()
                            + ", tls: 'none', from: 'a@example.com', timeout: '300ms'}")).build(),
                    object("{to: 'bob@example.com', subject: 'Hi', text: 'x'}")));

            assertThat(e.retryable()).isTrue();
            assertThat(e.type()).isEqualTo("mail.connection");
            assertThat(e.getMessage()).contains("300ms");
        }
    }
}
