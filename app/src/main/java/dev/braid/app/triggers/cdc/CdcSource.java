package dev.braid.app.triggers.cdc;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import dev.braid.app.connections.Connections;
import tools.jackson.databind.node.ObjectNode;

/**
 * A database Braid follows: one {@code sql} connection whose URL is PostgreSQL. Every recipe on it shares
 * one Debezium reader, one replication slot and one publication, named after the connection
 * ({@code braid_<connection>}, '-' written '_' because slot names allow only {@code [a-z0-9_]}).
 */
record CdcSource(String name, String host, int port, String database, String username, String password) {

    static CdcSource of(String connection, Connections connections) {
        Connections.Resolved resolved = connections.resolve(connection).orElseThrow(() -> new CdcSourceException(
                "Connection '" + connection + "' does not exist; create an sql connection to a PostgreSQL database with that name"));
        if (!"sql".equals(resolved.connector())) {
            throw new CdcSourceException("Connection '" + connection + "' is a '" + resolved.connector()
                    + "' connection; a cdc trigger needs an sql connection to a PostgreSQL database");
        }
        ObjectNode s = resolved.settings();
        String url = s.path("url").asString("");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new CdcSourceException("Connection '" + connection + "' is not PostgreSQL (its URL starts "
                    + url.substring(0, Math.min(url.length(), 16)) + "…); change data capture reads PostgreSQL only");
        }
        URI uri;
        try {
            uri = URI.create(url.substring("jdbc:".length()));
        } catch (IllegalArgumentException e) {
            throw new CdcSourceException("Connection '" + connection + "' has a URL that cannot be read: " + e.getMessage());
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
            throw new CdcSourceException("Connection '" + connection
                    + "' needs a URL with host and database, e.g. jdbc:postgresql://db.example.com:5432/shop, for change data capture");
        }
        return new CdcSource(connection, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1),
                s.path("username").asString(null), s.path("password").asString(null));
    }

    String slot() {
        return objectName(name);
    }

    String publication() {
        return objectName(name);
    }

    static String objectName(String connection) {
        String n = "braid_" + connection.replace('-', '_');
        return n.length() > 63 ? n.substring(0, 63) : n;
    }

    /** A plain session on the source (not replication): publications and slots are managed with it. */
    Connection open() throws SQLException {
        Properties p = new Properties();
        if (username != null) {
            p.setProperty("user", username);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "braid-cdc");
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, p);
    }

    @Override
    public String toString() {
        return "CdcSource[" + name + " " + host + ":" + port + "/" + database + "]";
    }
}
