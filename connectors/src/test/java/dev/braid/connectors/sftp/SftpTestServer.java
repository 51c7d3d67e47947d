package dev.braid.connectors.sftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An Apache MINA SSHD server with the SFTP subsystem in the test JVM on 127.0.0.1 and a free port: user
 * {@code braid}, password {@link #PASSWORD} (or any public key), everything in a temporary folder seen as the root.
 */
final class SftpTestServer implements AutoCloseable {

    static final String USER = "braid";
    static final String PASSWORD = "sftp-s3cr3t-pw";

    private final SshServer server = SshServer.setUpDefaultServer();
    private final Path root;
    private final KeyPair hostKey;

    SftpTestServer() {
        try {
            root = Files.createTempDirectory("sftp-root");
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            hostKey = generator.generateKeyPair();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server.setHost(InetAddress.getLoopbackAddress().getHostAddress());
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    Path root() {
        return root;
    }

    /** {@code SHA256:…}, as ssh-keygen -lf prints it. */
    String fingerprint() {
        PublicKey key = hostKey.getPublic();
        return KeyUtils.getFingerPrint(key);
    }

    /** The settings of an sftp connection to this server, as a YAML-ish object text. */
    String connection() {
        return "{host: '127.0.0.1', port: " + port() + ", username: '" + USER + "', password: '" + PASSWORD
                + "', hostKey: '" + fingerprint() + "'}";
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            // stopping anyway
        }
    }
}
