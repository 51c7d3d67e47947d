package dev.braid.connectors.s3;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The two XML answers Braid reads from S3: a page of {@code ListObjectsV2} and an error document. StAX with
 * DTDs and external entities off: the answer comes from a server a recipe names.
 */
final class S3Xml {

    /** One object of a listing, as S3 wrote it. */
    record Listed(String key, long size, String etag, String lastModified, String storageClass) {}

    /** One page of a listing. */
    record Page(List<Listed> objects, List<String> commonPrefixes, boolean truncated, String nextContinuationToken) {}

    /** An S3 error document: {@code <Error><Code>NoSuchKey</Code><Message>…</Message>…}. */
    record Error(String code, String message, Map<String, String> fields) {
        static final Error NONE = new Error("", "", Map.of());
    }

    private static final XMLInputFactory FACTORY = XMLInputFactory.newFactory();

    static {
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        FACTORY.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    }

    private S3Xml() {}

    static Page page(byte[] xml) throws XMLStreamException {
        List<Listed> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        String token = null;
        XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(xml));
        try {
            // Leaf elements by their parent: Contents/Key, CommonPrefixes/Prefix, ListBucketResult/IsTruncated.
            List<String> path = new ArrayList<>();
            Map<String, String> fields = new HashMap<>();
            StringBuilder text = new StringBuilder();
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    path.add(r.getLocalName());
                    text.setLength(0);
                } else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                    text.append(r.getText());
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    String name = path.removeLast();
                    String parent = path.isEmpty() ? "" : path.getLast();
                    if (name.equals("Contents")) {
                        objects.add(new Listed(fields.get("Key"), parseLong(fields.get("Size")), unquote(fields.get("ETag")),
                                fields.get("LastModified"), fields.getOrDefault("StorageClass", "STANDARD")));
                        fields.clear();
                    } else if (name.equals("CommonPrefixes")) {
                        if (fields.get("Prefix") != null) {
                            prefixes.add(fields.get("Prefix"));
                        }
                        fields.clear();
                    } else if (parent.equals("Contents") || parent.equals("CommonPrefixes")) {
                        fields.put(name, text.toString());
                    } else if (path.size() == 1 && name.equals("IsTruncated")) {
                        truncated = Boolean.parseBoolean(text.toString().strip());
                    } else if (path.size() == 1 && name.equals("NextContinuationToken")) {
                        token = text.toString();
                    }
                    text.setLength(0);
                }
            }
        } finally {
            r.close();
        }
        return new Page(objects, prefixes, truncated, token);
    }

    /** The error of a failed request's body; {@link Error#NONE} when it holds none (a HEAD, a proxy's page). */
    static Error error(byte[] body) {
        if (body == null || body.length == 0) {
            return Error.NONE;
        }
        try {
            XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                Map<String, String> fields = new HashMap<>();
                boolean inError = false;
                while (r.hasNext()) {
                    if (r.next() != XMLStreamConstants.START_ELEMENT) {
                        continue;
                    }
                    if (r.getLocalName().equals("Error")) {
                        inError = true;
                    } else if (inError) {
                        fields.put(r.getLocalName(), r.getElementText());
                    }
                }
                return new Error(fields.getOrDefault("Code", ""), fields.getOrDefault("Message", ""), Map.copyOf(fields));
            } finally {
                r.close();
            }
        } catch (XMLStreamException | RuntimeException e) {
            return Error.NONE;
        }
    }

    private static long parseLong(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        String t = etag.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }
}
