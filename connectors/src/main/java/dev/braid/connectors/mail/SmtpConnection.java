package dev.braid.connectors.mail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.braid.engine.model.Durations;
import tools.jackson.databind.JsonNode;

/** A {@code mail} connection, read after its schema was checked; turns into Jakarta Mail session properties. */
record SmtpConnection(String host, int port, String username, String password, String tls,
        List<String> trustedHosts, String from, Duration timeout) {

    static final int DEFAULT_PORT = 587;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** The rules the schema cannot state, each prefixed with its path. */
    static List<String> problems(JsonNode connection) {
        List<String> problems = new ArrayList<>();
        JsonNode port = connection.path("port");
        if (port.isNumber() && (port.asLong() < 1 || port.asLong() > 65535)) {
            problems.add("connection.port: must be between 1 and 65535");
        }
        if (connection.has("password") && !connection.has("username")) {
            problems.add("connection.password: needs a username");
        }
        for (JsonNode host : connection.path("trustedHosts")) {
            if (host.isString() && host.stringValue().contains("*")) {
                problems.add("connection.trustedHosts: name hosts one by one; '*' would trust every certificate");
            }
        }
        JsonNode timeout = connection.path("timeout");
        if (timeout.isString()) {
            try {
                if (Durations.parse(timeout.stringValue()).isZero()) {
                    problems.add("connection.timeout: must be longer than 0");
                }
            } catch (IllegalArgumentException e) {
                problems.add("connection.timeout: " + e.getMessage());
            }
        }
        return problems;
    }

    /** @param connection a connection without {@link #problems} */
    static SmtpConnection of(JsonNode connection) {
        List<String> trusted = new ArrayList<>();
        connection.path("trustedHosts").forEach(h -> trusted.add(h.stringValue()));
        return new SmtpConnection(
                connection.path("host").stringValue(),
                connection.path("port").asInt(DEFAULT_PORT),
                connection.hasNonNull("username") ? connection.get("username").stringValue() : null,
                connection.hasNonNull("password") ? connection.get("password").stringValue() : null,
                connection.path("tls").asString("starttls"),
                List.copyOf(trusted),
                connection.hasNonNull("from") ? connection.get("from").stringValue() : null,
                connection.has("timeout") ? Durations.parse(connection.get("timeout").stringValue()) : DEFAULT_TIMEOUT);
    }

    boolean authenticates() {
        return username != null;
    }

    /** {@code host:port} for messages. */
    String describe() {
        return host + ":" + port;
    }

    /** Session properties for one send; {@code timeout} is already capped by the step's deadline. */
    Properties sessionProperties(Duration timeout) {
        String millis = Long.toString(Math.max(1, timeout.toMillis()));
        Properties p = new Properties();
        p.setProperty("mail.transport.protocol", "smtp");
        p.setProperty("mail.smtp.host", host);
        p.setProperty("mail.smtp.port", Integer.toString(port));
        p.setProperty("mail.smtp.auth", Boolean.toString(authenticates()));
        p.setProperty("mail.smtp.connectiontimeout", millis);
        p.setProperty("mail.smtp.timeout", millis);
        p.setProperty("mail.smtp.writetimeout", millis);
        // All or nothing: a rejected recipient fails the whole send rather than mailing the rest.
        p.setProperty("mail.smtp.sendpartial", "false");
        boolean starttls = tls.equals("starttls");
        p.setProperty("mail.smtp.starttls.enable", Boolean.toString(starttls));
        p.setProperty("mail.smtp.starttls.required", Boolean.toString(starttls));
        p.setProperty("mail.smtp.ssl.enable", Boolean.toString(tls.equals("ssl")));
        if (!tls.equals("none")) {
            // A trusted host's certificate is accepted as it is, so checking its name would be moot.
            boolean trusted = trustedHosts.stream().anyMatch(h -> h.equalsIgnoreCase(host));
            p.setProperty("mail.smtp.ssl.checkserveridentity", Boolean.toString(!trusted));
            if (!trustedHosts.isEmpty()) {
                p.setProperty("mail.smtp.ssl.trust", String.join(" ", trustedHosts));
            }
        }
        return p;
    }
}
