package dev.braid.connectors.sftp;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * The resolved settings of an {@code sftp} connection. Equal settings share one SSH session ({@link SftpSessions}).
 * The server is known by its host key's fingerprint ({@code hostKey}, as {@code ssh-keygen -lf} prints it:
 * {@code SHA256:…}); only {@code acceptAnyHostKey: true} — for tests and throw-away servers — skips that check.
 */
record SftpSettings(String host, int port, String username, String password, String privateKey, String passphrase,
                    String hostKey, boolean acceptAnyHostKey, String root, int connectTimeout) {

    static final JsonSchema SCHEMA = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "host": {"type": "string", "minLength": 1, "description": "The SFTP server, e.g. sftp.partner.example"},
                "port": {"type": "integer", "description": "Its SSH port (default 22)."},
                "username": {"type": "string", "minLength": 1, "description": "The user to log in as."},
                "password": {"type": "string", "x-secret": true, "description": "Password of that user (write-only); or privateKey."},
                "privateKey": {"type": "string", "x-secret": true,
                               "description": "A private key's whole text in OpenSSH or PEM form (write-only, sealed like a password); or password."},
                "passphrase": {"type": "string", "x-secret": true, "description": "The private key's passphrase, when it has one (write-only)."},
                "hostKey": {"type": "string", "pattern": "^(SHA256:)?[A-Za-z0-9+/]{43}=?$",
                            "description": "The server's host key fingerprint, SHA256:… as ssh-keygen -lf or ssh-keyscan | ssh-keygen -lf - prints it; a server presenting another key is refused."},
                "acceptAnyHostKey": {"type": "boolean",
                                     "description": "Skip the host key check (default false): only for tests and development servers, it lets anyone in between read the password."},
                "root": {"type": "string", "description": "The folder every path is relative to, e.g. /upload (default: the user's login folder)."},
                "connectTimeout": {"type": "integer", "description": "Seconds to wait for the connection and login (default 10)."}
              },
              "required": ["host", "username"],
              "additionalProperties": false
            }
            """);

    static SftpSettings from(JsonNode connection) throws ActionException {
        JsonNode c = Inputs.orEmptyObject(connection);
        if (c.isEmpty()) {
            throw ActionException.fatal(JsonSchema.INVALID, "sftp actions need an sftp connection: name one with "
                    + "'connection:' (settings {host, username, password or privateKey, hostKey})");
        }
        SCHEMA.requireValid(c, "connection");
        String password = text(c, "password");
        String privateKey = text(c, "privateKey");
        if (password == null && privateKey == null) {
            throw ActionException.fatal(JsonSchema.INVALID, "connection: an sftp connection needs a password or a privateKey");
        }
        boolean any = c.path("acceptAnyHostKey").asBoolean(false);
        String hostKey = text(c, "hostKey");
        if (hostKey == null && !any) {
            throw ActionException.fatal(JsonSchema.INVALID, "connection.hostKey: name the server's host key fingerprint "
                    + "(SHA256:…, from ssh-keyscan -p PORT HOST | ssh-keygen -lf -) so that Braid knows it talks to that server; "
                    + "acceptAnyHostKey: true skips the check on test servers");
        }
        String root = text(c, "root");
        return new SftpSettings(c.get("host").asString(), c.path("port").asInt(22), c.get("username").asString(), password,
                privateKey, text(c, "passphrase"), hostKey == null ? null : HostKeyCheck.bare(hostKey), any,
                root == null ? "" : root, c.path("connectTimeout").asInt(10));
    }

    String describe() {
        return "sftp://" + username + "@" + host + ":" + port + (root.isEmpty() ? "" : root.startsWith("/") ? root : "/~/" + root);
    }

    private static String text(JsonNode c, String name) {
        JsonNode v = c.get(name);
        return v == null || v.isNull() ? null : v.asString();
    }

    @Override
    public String toString() {
        // never the password or the key
        return "SftpSettings[" + describe() + "]";
    }
}
