package dev.braid.connectors.mail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An SMTP server on 127.0.0.1 that answers each command verb with a scripted reply, for the verdicts
 * GreenMail never gives (4xx and 5xx to RCPT or DATA). {@code END} is the reply to the end of DATA.
 */
final class ScriptedSmtp implements AutoCloseable {

    private final ServerSocket socket;
    private final Map<String, String> replies = new HashMap<>(Map.of(
            "EHLO", "250 stub", "HELO", "250 stub", "MAIL", "250 ok", "RCPT", "250 ok", "DATA", "354 go ahead",
            "END", "250 queued", "RSET", "250 ok", "NOOP", "250 ok", "QUIT", "221 bye"));
    private final Thread thread;

    ScriptedSmtp(Map<String, String> script) throws IOException {
        replies.putAll(script);
        socket = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
        thread = Thread.ofVirtual().start(this::serve);
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException e) {
                // closed, or the client went away
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII);
        reply(out, "220 scripted ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
            String answer = replies.getOrDefault(verb, "502 unknown");
            reply(out, answer);
            if (verb.equals("DATA") && answer.startsWith("354")) {
                while ((line = in.readLine()) != null && !line.equals(".")) {
                    // the message
                }
                reply(out, replies.get("END"));
            }
            if (verb.equals("QUIT")) {
                return;
            }
        }
    }

    private static void reply(PrintWriter out, String text) {
        out.print(text + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        thread.interrupt();
    }
}
