package dev.braid.connectors.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;

/**
 * Refuses requests to link-local addresses and cloud metadata endpoints before a connection is
 * opened, also when written as IPv4-mapped IPv6, as a decimal, hex or octal number, or as a host name
 * resolving there. Every address a name resolves to is checked.
 *
 * <p>Two lists. {@link #METADATA}: the instance metadata and wire-server addresses of the major clouds
 * ({@code 169.254.169.254} of AWS, GCP — {@code metadata.google.internal} —, Azure, Oracle and others,
 * AWS's {@code fd00:ec2::254}, Azure's wire server {@code 168.63.129.16}, Oracle's {@code 192.0.0.192},
 * Alibaba's {@code 100.100.100.200}, ...) are refused always: they hand out the node's cloud credentials,
 * and no recipe has a reason to call them, so {@code egress.allow} does not open them. {@link #LINK_LOCAL}
 * ({@code 169.254.0.0/16}, {@code fe80::/10}) is refused unless a connection lists a range covering the
 * address in {@code egress: {allow: ["169.254.0.0/16"]}}.
 *
 * <p>Loopback ({@code 127.0.0.0/8}, {@code ::1}), private ranges and the shared address space
 * ({@code 100.64.0.0/10}, used by overlay networks and some Kubernetes clusters) stay allowed: local
 * services and tests use them, and Braid is often deployed next to the APIs it calls. The metadata
 * addresses among them (Alibaba's in {@code 100.64.0.0/10}) are refused one by one.
 *
 * <p>Known limit (DNS rebinding): the JDK client resolves the host again when it connects, and we
 * cannot pin the address we checked; a name whose answer changes between our check and that second
 * lookup can slip through. Literal addresses are not affected.
 */
public final class EgressGuard {

    /** Refused unless {@code egress.allow} covers the address. */
    private static final List<Cidr> LINK_LOCAL = List.of(Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"));

    /** Cloud metadata and wire-server endpoints: refused whatever {@code egress.allow} says. */
    static final List<Cidr> METADATA = List.of(
            Cidr.parse("169.254.169.254"),   // AWS, GCP (metadata.google.internal), Azure IMDS, Oracle, OpenStack, DigitalOcean
            Cidr.parse("fd00:ec2::254"),     // AWS IMDS over IPv6
            Cidr.parse("169.254.170.2"),     // AWS ECS task metadata and credentials
            Cidr.parse("169.254.170.23"),    // AWS EKS Pod Identity agent
            Cidr.parse("fd00:ec2::23"),      // the same over IPv6
            Cidr.parse("fd20:ce::254"),      // GCP metadata server over IPv6
            Cidr.parse("168.63.129.16"),     // Azure wire server (also its DNS and health probes; a public address)
            Cidr.parse("192.0.0.192"),       // Oracle Cloud metadata (legacy address)
            Cidr.parse("100.100.100.200"));  // Alibaba Cloud metadata, inside 100.64.0.0/10

    private final String connector;
    private final List<Cidr> allowed;
    private final HostResolver resolver;

    private EgressGuard(String connector, List<Cidr> allowed, HostResolver resolver) {
        this.connector = connector;
        this.allowed = allowed;
        this.resolver = resolver;
    }

    /** The problems of a connection's {@code egress} settings, with paths below {@code connection.egress}. */
    public static List<String> problems(JsonNode egress) {
        List<String> problems = new ArrayList<>();
        JsonNode allow = egress.path("allow");
        for (int i = 0; allow.isArray() && i < allow.size(); i++) {
            JsonNode cidr = allow.get(i);
            if (cidr.isString()) {
                try {
                    Cidr.parse(cidr.stringValue());
                } catch (IllegalArgumentException e) {
                    problems.add("connection.egress.allow[" + i + "]: " + e.getMessage());
                }
            }
        }
        return problems;
    }

    /**
     * @param connector the connector whose requests it guards: its name prefixes the error types
     *                  ({@code http.egress_denied}, {@code s3.connection})
     * @param egress the connection's {@code egress}, already valid
     */
    public static EgressGuard of(String connector, JsonNode egress, HostResolver resolver) {
        List<Cidr> allowed = new ArrayList<>();
        egress.path("allow").forEach(c -> allowed.add(Cidr.parse(c.stringValue())));
        return new EgressGuard(connector, List.copyOf(allowed), resolver);
    }

    /**
     * Throws a fatal {@code <connector>.egress_denied} when the URI's host is or resolves to a denied address, a
     * retryable {@code <connector>.connection} when it does not resolve at all.
     *
     * @param describe the request as messages show it
     */
    public void check(URI uri, String describe) throws ActionException {
        String host = hostOf(uri);
        if (host == null) {
            throw ActionException.fatal(JsonSchema.INVALID, describe + ": the URL names no host");
        }
        for (InetAddress address : addresses(host, describe)) {
            InetAddress effective = unmapped(address);
            if (METADATA.stream().anyMatch(c -> c.contains(effective))) {
                throw ActionException.fatal(connector + ".egress_denied", describe + " was refused: host '" + host + "' is the address "
                        + effective.getHostAddress() + ", a cloud metadata endpoint, which hands out the server's "
                        + "cloud credentials; recipes may not call it, whatever the connection's egress.allow says");
            }
            if (LINK_LOCAL.stream().anyMatch(c -> c.contains(effective))
                    && allowed.stream().noneMatch(c -> c.contains(effective))) {
                throw ActionException.fatal(connector + ".egress_denied", describe + " was refused: host '" + host + "' is the address "
                        + effective.getHostAddress() + ", which is link-local; "
                        + "list its range in the connection's egress.allow if this is intended");
            }
        }
    }

    /**
     * The host without brackets or a trailing dot, lower case; for a URI the JDK reads as a
     * registry-based authority (an octal address such as {@code 0251.0376.0251.0376}), the host part
     * of that authority.
     */
    public static String hostOf(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            String authority = uri.getRawAuthority();
            if (authority == null) {
                return null;
            }
            int at = authority.lastIndexOf('@');
            host = at < 0 ? authority : authority.substring(at + 1);
            if (!host.startsWith("[")) {
                int colon = host.lastIndexOf(':');
                host = colon < 0 ? host : host.substring(0, colon);
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() ? null : host.toLowerCase(Locale.ROOT);
    }

    private InetAddress[] addresses(String host, String describe) throws ActionException {
        try {
            byte[] v4 = Ipv4Literal.parse(host);
            if (v4 != null) {
                return new InetAddress[] {InetAddress.getByAddress(v4)};
            }
            if (host.contains(":")) {
                // An IPv6 literal, no lookup; a zone (fe80::1%25eth0) does not change which range it is in.
                int zone = host.indexOf('%');
                return new InetAddress[] {InetAddress.getByName(zone < 0 ? host : host.substring(0, zone))};
            }
            return resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw ActionException.retryable(connector + ".connection", describe + " failed: unknown host", e);
        }
    }

    /** IPv4-mapped ({@code ::ffff:a.b.c.d}), IPv4-compatible and NAT64 ({@code 64:ff9b::/96}) addresses as IPv4. */
    public static InetAddress unmapped(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0 && (b[12] != 0 || b[13] != 0);
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        for (int i = 4; nat64 && i < 12; i++) {
            nat64 = b[i] == 0;
        }
        if (mapped || compatible || nat64) {
            try {
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return address;
    }

    /** An address range such as {@code 169.254.0.0/16} or {@code fe80::/10}; a bare address is a /32 or /128. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String t = text.strip();
            int slash = t.indexOf('/');
            String address = slash < 0 ? t : t.substring(0, slash);
            byte[] bytes;
            if (address.contains(":")) {
                bytes = v6(address, text);
            } else {
                bytes = Ipv4Literal.parse(address);
                if (bytes == null || !address.matches("[0-9]+(\\.[0-9]+){3}")) {
                    throw new IllegalArgumentException("'" + text + "' is not a CIDR range such as 169.254.0.0/16 or fe80::/10");
                }
            }
            int prefix = bytes.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(t.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("'" + text + "' has an invalid prefix length");
                }
            }
            return new Cidr(bytes, prefix);
        }

        private static byte[] v6(String address, String text) {
            if (!address.matches("[0-9A-Fa-f:.]+")) {   // no lookups: only literals
                throw new IllegalArgumentException("'" + text + "' is not a CIDR range such as 169.254.0.0/16 or fe80::/10");
            }
            try {
                InetAddress parsed = InetAddress.getByName(address);
                return parsed.getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR range such as 169.254.0.0/16 or fe80::/10");
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    /**
     * IPv4 literals as {@code inet_aton} reads them, and so as many resolvers and HTTP stacks do:
     * one to four parts, each decimal, {@code 0x} hex or {@code 0}-prefixed octal, the last part
     * filling the remaining bytes ({@code 2852039166}, {@code 0xa9fea9fe}, {@code 0251.0376.0251.0376},
     * {@code 169.254.43518}).
     */
    public static final class Ipv4Literal {

        private Ipv4Literal() {}

        /** The four bytes, or {@code null} when the text is not such a literal. */
        public static byte[] parse(String text) {
            if (text.isEmpty() || text.endsWith(".")) {
                return null;
            }
            String[] parts = text.split("\\.", -1);
            if (parts.length > 4) {
                return null;
            }
            long[] values = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                long v = number(parts[i]);
                if (v < 0) {
                    return null;
                }
                values[i] = v;
            }
            long address = 0;
            for (int i = 0; i < parts.length - 1; i++) {
                if (values[i] > 0xff) {
                    return null;
                }
                address |= values[i] << (8 * (3 - i));
            }
            long last = values[parts.length - 1];
            int lastBytes = 4 - (parts.length - 1);
            if (last >= (1L << (8 * lastBytes))) {
                return null;
            }
            address |= last;
            return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        }

        private static long number(String part) {
            if (part.isEmpty() || part.length() > 12) {
                return -1;
            }
            String p = part.toLowerCase(Locale.ROOT);
            int radix = 10;
            if (p.startsWith("0x")) {
                radix = 16;
                p = p.substring(2);
                if (p.isEmpty()) {
                    return 0;
                }
            } else if (p.length() > 1 && p.startsWith("0")) {
                radix = 8;
                p = p.substring(1);
            }
            for (char c : p.toCharArray()) {
                if (Character.digit(c, radix) < 0) {
                    return -1;
                }
            }
            return Long.parseLong(p, radix);
        }
    }
}
