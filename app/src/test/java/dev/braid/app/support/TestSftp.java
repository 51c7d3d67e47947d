package dev.braid.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An Apache MINA SSHD server with the SFTP subsystem in the test JVM on 127.0.0.1 and a free port: user
 * {@code partner} with a password, a temporary folder as everything it serves ({@link #root()}), an EC host key
 * whose fingerprint an sftp connection names.
 */
public final class TestSftp implements AutoCloseable {

    public static final String USER = "partner";
    public static final String PASSWORD = "sftp-partner-pw";

    private final SshServer server = SshServer.setUpDefaultServer();
    private final Path root;
    private final KeyPair hostKey;

    public TestSftp() {
        try {
            root = Files.createTempDirectory("test-sftp");
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            hostKey = generator.generateKeyPair();
            server.setHost(InetAddress.getLoopbackAddress().getHostAddress());
            server.setPort(0);
            server.setKeyPairProvider(KeyPairProvider.wrap(List.of(hostKey)));
            server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
            server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
            server.setFileSystemFactory(new VirtualFileSystemFactory(root));
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder the server serves, for the test to drop files into and look at. */
    public Path root() {
        return root;
    }

    /** The settings of an sftp connection to this server, its host key pinned. */
    public Map<String, Object> connectionSettings() {
        return Map.of("host", "127.0.0.1", "port", server.getPort(), "username", USER, "password", PASSWORD,
                "hostKey", KeyUtils.getFingerPrint(hostKey.getPublic()));
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
