package dev.braid.connectors.mail;

import static dev.braid.connectors.Json.json;
import static dev.braid.connectors.Json.object;
import static dev.braid.connectors.TestActionContext.aContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.braid.connectors.RecordingRunLog;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import jakarta.mail.Address;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class MailSendActionTest {

    private final MailFixture server = new MailFixture();
    private final MailSendAction action = new MailSendAction();

    @AfterEach
    void stop() {
        server.close();
    }

    private ActionResult send(JsonNode connection, String input) throws ActionException {
        return action.execute(aContext().connection(connection).build(), object(input));
    }

    private ActionException failure(JsonNode connection, String input) {
        ActionException e = catchThrowableOfType(ActionException.class, () -> send(connection, input));
        assertThat(e).as("an ActionException").isNotNull();
        return e;
    }

    private static String[] addresses(Address[] list) {
        return list == null ? new String[0] : Arrays.stream(list).map(Address::toString).toArray(String[]::new);
    }

    @Test
    void sendsATextMailToToAndCcAndBlindlyToBcc() throws Exception {
        ActionResult result = send(server.connection(), """
                {to: ['Ops <ops@example.com>'], cc: 'audit@example.com, boss@example.com', bcc: 'hidden@example.com',
                 replyTo: 'help@example.com', subject: 'Order 7 – received', text: 'Order 7 was received.',
                 headers: {'X-Order': '7'}}""");

        assertThat(result.output().path("messageId").asString()).matches("<run-1_step-[0-9a-f]{16}@braid>");
        assertThat(result.output().path("accepted").valueStream().map(JsonNode::asString))
                .containsExactly("ops@example.com", "audit@example.com", "boss@example.com", "hidden@example.com");
        MimeMessage[] received = server.greenMail.getReceivedMessages();
        assertThat(received).hasSize(4);   // one copy per mailbox, the bcc one included
        MimeMessage m = received[0];
        assertThat(m.getSubject()).isEqualTo("Order 7 – received");
        assertThat(((String) m.getContent()).strip()).isEqualTo("Order 7 was received.");
        assertThat(m.getContentType()).startsWith("text/plain");
        assertThat(addresses(m.getFrom())).containsExactly("braid@example.com");
        assertThat(addresses(m.getRecipients(RecipientType.TO))).containsExactly("Ops <ops@example.com>");
        assertThat(addresses(m.getRecipients(RecipientType.CC))).containsExactly("audit@example.com", "boss@example.com");
        assertThat(m.getHeader("Bcc")).isNull();
        assertThat(addresses(m.getReplyTo())).containsExactly("help@example.com");
        assertThat(m.getHeader("X-Order", null)).isEqualTo("7");
        assertThat(m.getMessageID()).isEqualTo(result.output().path("messageId").asString());
        assertThat(server.greenMail.getReceivedMessagesForDomain("example.com")).hasSize(4);
        var hidden = server.greenMail.getUserManager().getUserByEmail("hidden@example.com");
        assertThat(hidden).as("the bcc recipient got a mailbox").isNotNull();
        assertThat(server.greenMail.getManagers().getImapHostManager().getInbox(hidden).getMessageCount()).isEqualTo(1);
    }

    @Test
    void textAndHtmlMakeAMultipartAlternative() throws Exception {
        send(server.connection(), "{to: 'ops@example.com', subject: 'Both', text: 'plain body', html: '<p>rich body</p>'}");

        MimeMessage m = server.greenMail.getReceivedMessages()[0];
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        Multipart parts = (Multipart) m.getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(((String) parts.getBodyPart(0).getContent()).strip()).isEqualTo("plain body");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(((String) parts.getBodyPart(1).getContent()).strip()).isEqualTo("<p>rich body</p>");
    }

    @Test
    void htmlOnlyIsTextHtml() throws Exception {
        send(server.connection(), "{to: 'ops@example.com', subject: 'Rich', html: '<b>hi</b>'}");

        assertThat(server.greenMail.getReceivedMessages()[0].getContentType()).startsWith("text/html");
    }

    @Test
    void theIdempotencyKeyTravelsAsHeaderAndShapesAStableMessageId() throws Exception {
        ActionContext first = aContext().connection(server.connection()).runId("run-42").stepPath("lines[2].notify").build();
        ActionContext retry = aContext().connection(server.connection()).runId("run-42").stepPath("lines[2].notify")
                .attempt(2).build();
        ObjectNode input = object("{to: 'ops@example.com', subject: 'Hi', text: 'x'}");

        String id1 = action.execute(first, input).output().path("messageId").asString();
        String id2 = action.execute(retry, input).output().path("messageId").asString();

        assertThat(id1).isEqualTo(id2).startsWith("<run-42_lines_2__notify-").endsWith("@braid>");
        for (MimeMessage m : server.greenMail.getReceivedMessages()) {
            assertThat(m.getHeader(OutgoingMail.IDEMPOTENCY_HEADER, null)).isEqualTo("run-42/lines[2].notify");
            assertThat(m.getMessageID()).isEqualTo(id1);
        }
        assertThat(OutgoingMail.messageId("run-42/other")).isNotEqualTo(id1);
    }

    @Test
    void logsInWithUsernameAndPassword() throws Exception {
        server.greenMail.setUser("alice@example.com", "alice", "s3cret-pw");
        JsonNode connection = ((ObjectNode) server.connection()).put("username", "alice").put("password", "s3cret-pw");
        RecordingRunLog log = new RecordingRunLog();

        action.execute(aContext().connection(connection).log(log).build(),
                object("{to: 'bob@example.com', subject: 'Auth', text: 'x'}"));

        assertThat(server.greenMail.getReceivedMessages()).hasSize(1);
        assertThat(log.lines()).noneMatch(l -> l.message().contains("s3cret-pw"));
    }

    @Test
    void aWrongPasswordIsFatalAuthAndNeverShown() {
        server.greenMail.setUser("alice@example.com", "alice", "s3cret-pw");
        JsonNode connection = ((ObjectNode) server.connection()).put("username", "alice").put("password", "wrong-pw");

        ActionException e = failure(connection, "{to: 'bob@example.com', subject: 'Auth', text: 'x'}");

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("mail.auth");
        assertThat(e.getMessage()).contains("127.0.0.1:" + server.port()).doesNotContain("wrong-pw");
        assertThat(server.greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aClosedPortIsRetryable() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }

        ActionException e = failure(json("{host: '127.0.0.1', port: " + closed + ", tls: 'none', from: 'a@example.com', timeout: '2s'}"),
                "{to: 'bob@example.com', subject: 'Hi', text: 'x'}");

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("mail.connection");
        assertThat(e.getMessage()).contains("127.0.0.1:" + closed);
    }

    @Test
    void starttlsRequiredAgainstAPlainServerIsFatal() {
        ObjectNode connection = ((ObjectNode) server.connection()).put("tls", "starttls");

        ActionException e = failure(connection, "{to: 'bob@example.com', subject: 'Hi', text: 'x'}");

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("mail.tls");
        assertThat(server.greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void anInvalidAddressIsFatalAndNamesTheField() {
        ActionException e = failure(server.connection(),
                "{to: ['ops@example.com', 'not an address'], subject: 'Hi', text: 'x'}");

        assertThat(e.retryable()).isFalse();
        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("with.to[1]").contains("not an address");
        assertThat(server.greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void invalidCcAndFromAreNamedToo() {
        ActionException e = failure(server.connection(),
                "{from: 'me@', to: 'ops@example.com', cc: 'a@b@c', subject: 'Hi', text: 'x'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("with.from").contains("with.cc");
    }

    @Test
    void neitherTextNorHtmlIsInvalid() {
        ActionException e = failure(server.connection(), "{to: 'ops@example.com', subject: 'Hi'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("text").contains("html");
    }

    @Test
    void aSenderIsRequiredSomewhere() {
        JsonNode connection = json("{host: '127.0.0.1', port: " + server.port() + ", tls: 'none'}");

        ActionException e = failure(connection, "{to: 'ops@example.com', subject: 'Hi', text: 'x'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("with.from");
    }

    @Test
    void headerInjectionAndReservedHeadersAreRefused() {
        ActionException e = failure(server.connection(),
                "{to: 'ops@example.com', subject: 'Hi', text: 'x', headers: {'X-A': 'a\\r\\nBcc: evil@example.com', 'Message-ID': '<x@y>'}}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("with.headers.X-A").contains("with.headers.Message-ID");
    }

    @Test
    void badConnectionSettingsAreInvalid() {
        ActionException e = failure(json("{port: 70000, tls: 'maybe', password: 'pw', trustedHosts: ['*']}"),
                "{to: 'ops@example.com', subject: 'Hi', text: 'x'}");

        assertThat(e.type()).isEqualTo("input.invalid");
        assertThat(e.getMessage()).contains("connection.host").contains("connection.tls").doesNotContain("pw'");
    }

    @Test
    void dryRunSendsNothing() throws ActionException {
        ActionResult result = action.execute(aContext().connection(server.connection()).dryRun(true).build(),
                object("{to: 'ops@example.com', subject: 'Hi', text: 'x'}"));

        JsonNode out = result.output();
        assertThat(out.path("dryRun")).isEqualTo(json("true"));
        assertThat(out.path("to")).isEqualTo(json("['ops@example.com']"));
        assertThat(out.path("subject")).isEqualTo(json("'Hi'"));
        // the envelope and content as they would be sent
        assertThat(out.path("from").asString()).isNotBlank();
        assertThat(out.path("text").asString()).isEqualTo("x");
        assertThat(out.path("headers").path("X-Braid-Idempotency-Key").asString()).isEqualTo("run-1/step");
        assertThat(server.greenMail.getReceivedMessages()).isEmpty();
    }

    @Test
    void sessionPropertiesFollowTheConnection() {
        SmtpConnection ssl = SmtpConnection.of(json("{host: 'smtp.example', tls: 'ssl', trustedHosts: ['smtp.example']}"));
        var p = ssl.sessionProperties(java.time.Duration.ofSeconds(7));

        assertThat(p.getProperty("mail.smtp.port")).isEqualTo("587");
        assertThat(p.getProperty("mail.smtp.ssl.enable")).isEqualTo("true");
        assertThat(p.getProperty("mail.smtp.starttls.enable")).isEqualTo("false");
        assertThat(p.getProperty("mail.smtp.ssl.trust")).isEqualTo("smtp.example");
        assertThat(p.getProperty("mail.smtp.timeout")).isEqualTo("7000");
        assertThat(p.getProperty("mail.smtp.connectiontimeout")).isEqualTo("7000");
        assertThat(p.getProperty("mail.smtp.writetimeout")).isEqualTo("7000");

        var starttls = SmtpConnection.of(json("{host: 'smtp.example'}")).sessionProperties(java.time.Duration.ofSeconds(30));
        assertThat(starttls.getProperty("mail.smtp.starttls.required")).isEqualTo("true");
        assertThat(starttls.getProperty("mail.smtp.ssl.checkserveridentity")).isEqualTo("true");
        assertThat(starttls.getProperty("mail.smtp.ssl.trust")).isNull();
    }

    @Test
    void theTimeoutIsCappedByTheStepDeadline() throws Exception {
        RecordingRunLog log = new RecordingRunLog();
        ActionException e = catchThrowableOfType(ActionException.class, () -> action.execute(
                aContext().connection(server.connection()).timeLeft(java.time.Duration.ZERO).log(log).build(),
                object("{to: 'ops@example.com', subject: 'Hi', text: 'x'}")));

        assertThat(e.retryable()).isTrue();
        assertThat(e.type()).isEqualTo("mail.connection");
        assertThat(server.greenMail.getReceivedMessages()).isEmpty();
    }
}
