package dev.braid.connectors.mail;

import dev.braid.connectors.schema.JsonSchema;

/** The schemas of {@code mail.send}'s input and of a {@code mail} connection. */
final class MailSchemas {

    private MailSchemas() {}

    private static String addresses(String description) {
        return """
                {
                  "type": ["string", "array"],
                  "items": {"type": "string"},
                  "description": "%s"
                }""".formatted(description);
    }

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "from": {
                  "type": "string",
                  "minLength": 1,
                  "description": "The sender, such as \\"Shop <orders@shop.example>\\"; the connection's from when absent."
                },
                "to": %s,
                "cc": %s,
                "bcc": %s,
                "replyTo": %s,
                "subject": {
                  "type": "string",
                  "description": "The subject line; non-ASCII text is encoded."
                },
                "text": {
                  "type": "string",
                  "description": "The plain-text body. Give text, html or both (then sent as multipart/alternative)."
                },
                "html": {
                  "type": "string",
                  "description": "The HTML body. Give text, html or both (then sent as multipart/alternative)."
                },
                "headers": {
                  "type": "object",
                  "additionalProperties": {"type": "string"},
                  "description": "Extra headers, such as {\\"X-Order\\": \\"7\\"}; addressing, subject, Message-ID and MIME headers come from the other fields."
                }
              },
              "required": ["to", "subject"],
              "additionalProperties": false
            }
            """.formatted(
                    addresses("Recipients: one address, a comma-separated list, or an array of addresses."),
                    addresses("Copy recipients, like to."),
                    addresses("Blind copy recipients, like to; delivered but not shown in the headers."),
                    addresses("Where replies go, like to.")));

    static final JsonSchema CONNECTION = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "host": {"type": "string", "minLength": 1, "description": "The SMTP server's host name or address."},
                "port": {"type": "integer", "default": 587, "description": "The SMTP server's port, 1 to 65535 (587 submission, 465 SSL, 25 relay)."},
                "username": {"type": "string", "minLength": 1, "description": "Log in with this user name; no login when absent."},
                "password": {"type": "string", "x-secret": true, "description": "The password of username."},
                "tls": {
                  "enum": ["none", "starttls", "ssl"],
                  "default": "starttls",
                  "description": "starttls: upgrade the connection and refuse servers that cannot; ssl: TLS from the first byte; none: plain text."
                },
                "trustedHosts": {
                  "type": "array",
                  "items": {"type": "string", "minLength": 1},
                  "description": "Hosts whose certificate is accepted without verification (self-signed servers); others must present a certificate the JVM trusts for their name."
                },
                "from": {"type": "string", "minLength": 1, "description": "The sender when a step names none."},
                "timeout": {
                  "type": "string",
                  "default": "30s",
                  "description": "How long to wait to connect and for each server reply, like 10s or 1m; never beyond the step's deadline."
                }
              },
              "required": ["host"],
              "additionalProperties": false
            }
            """);
}
