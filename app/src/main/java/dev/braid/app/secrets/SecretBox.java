package dev.braid.app.secrets;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM sealing of secret values under the master key. A sealed value is
 * {@code version(1) | nonce(12) | ciphertext+tag}; the associated data binds it to where it is kept
 * ({@code "connection:crm"}, {@code "secret:API_KEY"}), so a sealed value copied to another row does
 * not open. During a key rotation the previous key still opens values it sealed.
 */
public final class SecretBox {

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKey key;
    private final SecretKey previous;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(SecretKey key, SecretKey previous) {
        this.key = key;
        this.previous = previous;
    }

    public byte[] seal(String plaintext, String boundTo) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Sealing a secret failed", e);
        }
    }

    public String open(byte[] sealed, String boundTo) {
        try {
            return open(sealed, boundTo, key);
        } catch (GeneralSecurityException e) {
            if (previous != null) {
                try {
                    return open(sealed, boundTo, previous);
                } catch (GeneralSecurityException ignored) {
                    // fall through to the error below
                }
            }
            throw new IllegalStateException("A stored secret (" + boundTo + ") cannot be opened with the master key; "
                    + "was BRAID_MASTER_KEY changed without BRAID_MASTER_KEY_PREVIOUS?");
        }
    }

    /** Whether the value was sealed with the current key (false: it needs re-sealing after a rotation). */
    public boolean sealedWithCurrentKey(byte[] sealed, String boundTo) {
        try {
            open(sealed, boundTo, key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String open(byte[] sealed, String boundTo, SecretKey with) throws GeneralSecurityException {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new GeneralSecurityException("not a sealed value of version " + VERSION);
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, with, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
        cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
        byte[] plain = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        return new String(plain, StandardCharsets.UTF_8);
    }
}
