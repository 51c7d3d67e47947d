package dev.braid.app.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key that seals secrets: {@code BRAID_MASTER_KEY} (base64 of 32 bytes), else a key file
 * {@code BRAID_HOME/master.key} generated at the first start, readable by its owner only. Several
 * nodes must share the same key, so production sets the variable.
 */
final class MasterKey {

    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

    private MasterKey() {}

    static SecretKey fromBase64(String base64, String setting) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(setting + " is not base64; create one with: openssl rand -base64 32");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException(setting + " must be 32 bytes (base64 of 32 random bytes), not " + bytes.length
                    + "; create one with: openssl rand -base64 32");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    static SecretKey fromFile(Path home) {
        Path file = home.resolve("master.key");
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(home);
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, Base64.getEncoder().encodeToString(key));
                log.warn("Generated a master key for secrets in {} (owner-only). Back it up: without it stored "
                        + "secrets cannot be opened. Several nodes need the same key: set BRAID_MASTER_KEY.", file);
            }
            return fromBase64(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the master key file " + file, e);
        }
    }
}
