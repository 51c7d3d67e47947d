package dev.braid.connectors.sftp;

import java.net.SocketAddress;
import java.security.PublicKey;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Accepts the server only when its host key has the connection's SHA-256 fingerprint (or any key with
 * {@code acceptAnyHostKey}), during the key exchange — before a password or a key signature is sent. It keeps the
 * fingerprint the server presented, so a refusal can show it.
 */
final class HostKeyCheck implements ServerKeyVerifier {

    private final String expected;
    private volatile String presented;
    private volatile String keyType;

    HostKeyCheck(String expected) {
        this.expected = expected;
    }

    /** {@code SHA256:abc…=} and {@code abc…} alike as {@code abc…}. */
    static String bare(String fingerprint) {
        String f = fingerprint.strip();
        if (f.startsWith("SHA256:")) {
            f = f.substring("SHA256:".length());
        }
        while (f.endsWith("=")) {
            f = f.substring(0, f.length() - 1);
        }
        return f;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        presented = bare(KeyUtils.getFingerPrint(key));
        keyType = KeyUtils.getKeyType(key);
        return expected == null || expected.equals(presented);
    }

    /** The refusal, once the server presented another key; null when it did not. */
    String mismatch(String server) {
        String p = presented;
        if (expected == null || p == null || expected.equals(p)) {
            return null;
        }
        return server + " presented the host key SHA256:" + p + " (" + keyType + "), but the connection's hostKey is SHA256:"
                + expected + ". If the server's key was changed on purpose, put the new fingerprint in hostKey; otherwise "
                + "something between Braid and the server may be listening.";
    }
}
