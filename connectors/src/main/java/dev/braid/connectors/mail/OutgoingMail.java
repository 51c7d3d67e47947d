package dev.braid.connectors.mail;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.mail.Message.RecipientType;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import tools.jackson.databind.JsonNode;

/** A {@code mail.send} step's message, its addresses checked strictly; builds the MIME message. */
record OutgoingMail(InternetAddress from, List<InternetAddress> to, List<InternetAddress> cc,
        List<InternetAddress> bcc, List<InternetAddress> replyTo, String subject, String text, String html,
        Map<String, String> headers) {

    /** Carries the step's idempotency key, so a receiver can recognise the retry of a send. */
    static final String IDEMPOTENCY_HEADER = "X-Braid-Idempotency-Key";

    private static final Pattern HEADER_NAME = Pattern.compile("^[!-9;-~]+$");
    private static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "reply-to", "subject", "sender",
            "message-id", "date", "mime-version", "content-type", "content-transfer-encoding",
            IDEMPOTENCY_HEADER.toLowerCase(Locale.ROOT));

    /**
     * Reads a step input that passed its schema; adds every further problem to {@code problems} and
     * answers {@code null} when there is any.
     */
    static OutgoingMail from(JsonNode with, String defaultFrom, List<String> problems) {
        int before = problems.size();
        InternetAddress from = null;
        if (with.has("from") || defaultFrom != null) {
            String path = with.has("from") ? "with.from" : "connection.from";
            List<InternetAddress> sender = addresses(with.has("from") ? with.get("from") : null, defaultFrom, path,
                    problems);
            if (sender.size() == 1) {
                from = sender.getFirst();
            } else if (sender.size() > 1) {
                problems.add(path + ": must be a single address");
            }
        } else {
            problems.add("with.from: is required when the connection has no from");
        }
        int beforeTo = problems.size();
        List<InternetAddress> to = addresses(with.get("to"), null, "with.to", problems);
        if (to.isEmpty() && problems.size() == beforeTo) {
            problems.add("with.to: must name at least one address");
        }
        List<InternetAddress> cc = addresses(with.get("cc"), null, "with.cc", problems);
        List<InternetAddress> bcc = addresses(with.get("bcc"), null, "with.bcc", problems);
        List<InternetAddress> replyTo = addresses(with.get("replyTo"), null, "with.replyTo", problems);
        String subject = with.path("subject").asString("");
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            problems.add("with.subject: must be a single line");
        }
        String text = with.hasNonNull("text") ? with.get("text").stringValue() : null;
        String html = with.hasNonNull("html") ? with.get("html").stringValue() : null;
        if (text == null && html == null) {
            problems.add("with: give text, html or both");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> h : with.path("headers").properties()) {
            String name = h.getKey();
            String value = h.getValue().asString("");
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add("with.headers." + name + ": not a valid header name");
            } else if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                problems.add("with.headers." + name + ": set by mail.send itself; use its own field where there is one");
            } else if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                problems.add("with.headers." + name + ": must be a single line");
            } else {
                headers.put(name, value);
            }
        }
        if (problems.size() > before) {
            return null;
        }
        return new OutgoingMail(from, to, cc, bcc, replyTo, subject, text, html, Map.copyOf(headers));
    }

    /** A string (one address or a comma-separated list) or an array of such strings; strictly checked. */
    private static List<InternetAddress> addresses(JsonNode node, String fallback, String path, List<String> problems) {
        List<String> texts = new ArrayList<>();
        if (node == null || node.isNull()) {
            if (fallback != null) {
                texts.add(fallback);
            }
        } else if (node.isArray()) {
            node.forEach(n -> texts.add(n.asString("")));
        } else {
            texts.add(node.asString(""));
        }
        List<InternetAddress> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            String where = node != null && node.isArray() ? path + "[" + i + "]" : path;
            try {
                InternetAddress[] parsed = InternetAddress.parse(text, true);
                if (parsed.length == 0) {
                    problems.add(where + ": '" + text + "' names no address");
                }
                for (InternetAddress a : parsed) {
                    a.validate();
                    out.add(a);
                }
            } catch (AddressException e) {
                problems.add(where + ": '" + text + "' is not a valid e-mail address (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    /** Every envelope recipient, bare addresses in order to, cc, bcc. */
    List<String> recipients() {
        List<String> all = new ArrayList<>();
        for (List<InternetAddress> list : List.of(to, cc, bcc)) {
            list.forEach(a -> all.add(a.getAddress()));
        }
        return all;
    }

    /**
     * {@code <key-hash@braid>}: the same for every attempt of a step, so a retried send is recognisable.
     * The key's characters outside {@code [A-Za-z0-9_-]} become {@code _}; the hash keeps ids distinct.
     */
    static String messageId(String idempotencyKey) {
        String readable = idempotencyKey.replaceAll("[^A-Za-z0-9_-]", "_");
        if (readable.length() > 64) {
            readable = readable.substring(0, 64);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(idempotencyKey.getBytes(StandardCharsets.UTF_8));
            return "<" + readable + "-" + HexFormat.of().formatHex(digest, 0, 8) + "@braid>";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    MimeMessage toMimeMessage(Session session, String idempotencyKey, Date sent) throws MessagingException {
        String messageId = messageId(idempotencyKey);
        MimeMessage m = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        m.setFrom(from);
        m.setRecipients(RecipientType.TO, to.toArray(InternetAddress[]::new));
        if (!cc.isEmpty()) {
            m.setRecipients(RecipientType.CC, cc.toArray(InternetAddress[]::new));
        }
        if (!bcc.isEmpty()) {
            m.setRecipients(RecipientType.BCC, bcc.toArray(InternetAddress[]::new));
        }
        if (!replyTo.isEmpty()) {
            m.setReplyTo(replyTo.toArray(InternetAddress[]::new));
        }
        m.setSubject(subject, "UTF-8");
        m.setSentDate(sent);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            m.setHeader(h.getKey(), encode(h.getKey(), h.getValue()));
        }
        m.setHeader(IDEMPOTENCY_HEADER, encode(IDEMPOTENCY_HEADER, idempotencyKey));
        if (text != null && html != null) {
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text, "UTF-8");
            MimeBodyPart rich = new MimeBodyPart();
            rich.setText(html, "UTF-8", "html");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(plain);   // least preferred first (RFC 2046)
            alternative.addBodyPart(rich);
            m.setContent(alternative);
        } else if (html != null) {
            m.setText(html, "UTF-8", "html");
        } else {
            m.setText(text, "UTF-8");
        }
        m.saveChanges();
        return m;
    }

    private static String encode(String name, String value) throws MessagingException {
        try {
            return MimeUtility.fold(name.length() + 2, MimeUtility.encodeText(value, "UTF-8", null));
        } catch (UnsupportedEncodingException e) {
            throw new MessagingException("UTF-8 is not supported", e);
        }
    }
}
