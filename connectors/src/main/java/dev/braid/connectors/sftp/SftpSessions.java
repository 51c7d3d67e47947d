package dev.braid.connectors.sftp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.InterruptedByTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import dev.braid.engine.spi.ActionException;

/**
 * One SSH client and session per distinct connection, opened on first use, logged in again when the server
 * dropped it, closed by {@link #close()}; each action opens its own SFTP channel on the session (cheap: no key
 * exchange) and closes it after. Failures to connect become step errors: unreachable or slow servers
 * ({@code sftp.unavailable}) are retried; a refused login ({@code sftp.auth}), a host key that does not match
 * ({@code sftp.host_key}) or a key that cannot be read fail at once.
 */
final class SftpSessions implements AutoCloseable {

    private final Map<SftpSettings, Endpoint> endpoints = new ConcurrentHashMap<>();

    /**
     * Channels open at once on one session: OpenSSH's sshd allows 10 per connection by default ({@code MaxSessions}),
     * and a refused channel would fail a step that only had to wait.
     */
    static final int CHANNELS_PER_SESSION = 8;

    /** An SFTP channel on the settings' session and what closes it. */
    record Channel(SftpClient sftp, Runnable release) {}

    /**
     * A new SFTP channel on the settings' session, waiting at most {@code wait} for a free channel, to connect and
     * to log in; {@link Channel#release()} must follow its close.
     */
    Channel open(SftpSettings settings, Duration wait) throws ActionException {
        Endpoint endpoint = endpoints.computeIfAbsent(settings, Endpoint::new);
        try {
            if (!endpoint.channels.tryAcquire(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS)) {
                throw ActionException.retryable("sftp.busy", "All " + CHANNELS_PER_SESSION + " channels to "
                        + settings.describe() + " stayed busy for " + wait.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ActionException.retryable("sftp.unavailable", "Interrupted while waiting for a channel to " + settings.describe());
        }
        try {
            ClientSession session = endpoint.session(wait);
            SftpClient sftp;
            try {
                sftp = SftpClientFactory.instance().createSftpClient(session);
            } catch (IOException stale) {
                if (session.isOpen()) {
                    throw stale;
                }
                // The server closed the session since its last use: once more on a new one.
                endpoint.drop(session);
                sftp = SftpClientFactory.instance().createSftpClient(endpoint.session(wait));
            }
            return new Channel(sftp, endpoint.channels::release);
        } catch (IOException | RuntimeException e) {
            endpoint.channels.release();
            if (e instanceof IOException io) {
                throw failure(settings, endpoint.check, io);
            }
            throw (RuntimeException) e;
        }
    }

    private static ActionException failure(SftpSettings settings, HostKeyCheck check, IOException e) {
        String server = settings.describe();
        String mismatch = check.mismatch(server);
        if (mismatch != null) {
            return ActionException.fatal("sftp.host_key", mismatch);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException || t instanceof InterruptedByTimeoutException
                    || t instanceof InterruptedIOException) {
                return ActionException.retryable("sftp.unavailable", "Connecting to " + server + " failed: " + t, e);
            }
            if (t instanceof GeneralSecurityException) {
                return ActionException.fatal("sftp.key", "The connection's privateKey cannot be used: " + t.getMessage(), e);
            }
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("No more authentication methods") || message.contains("authentication")) {
            return ActionException.fatal("sftp.auth", "The server " + server + " refused the login of '" + settings.username()
                    + "' (" + message + "): check the connection's username, password or privateKey");
        }
        if (message.toLowerCase().contains("timeout") || message.toLowerCase().contains("timed out")) {
            return ActionException.retryable("sftp.unavailable", "Connecting to " + server + " timed out: " + message, e);
        }
        return ActionException.retryable("sftp.unavailable", "Connecting to " + server + " failed: " + message, e);
    }

    @Override
    public void close() {
        List<Endpoint> open = new ArrayList<>(endpoints.values());
        endpoints.clear();
        open.forEach(Endpoint::close);
    }

    /** A started client for one connection and its current session. */
    private static final class Endpoint {
        final SftpSettings settings;
        final HostKeyCheck check;
        final Semaphore channels = new Semaphore(CHANNELS_PER_SESSION, true);
        private SshClient client;
        private ClientSession session;

        Endpoint(SftpSettings settings) {
            this.settings = settings;
            this.check = new HostKeyCheck(settings.acceptAnyHostKey() ? null : settings.hostKey());
        }

        synchronized ClientSession session(Duration wait) throws IOException {
            if (session != null && session.isOpen() && session.isAuthenticated()) {
                return session;
            }
            if (client == null) {
                client = SshClient.setUpDefaultClient();
                client.setServerKeyVerifier(check);
                client.start();
            }
            Duration timeout = wait.compareTo(Duration.ofSeconds(settings.connectTimeout())) < 0 ? wait
                    : Duration.ofSeconds(settings.connectTimeout());
            if (timeout.isZero() || timeout.isNegative()) {
                throw new InterruptedIOException("no time left to connect");
            }
            ClientSession s = client.connect(settings.username(), settings.host(), settings.port()).verify(timeout).getClientSession();
            try {
                if (settings.password() != null) {
                    s.addPasswordIdentity(settings.password());
                }
                if (settings.privateKey() != null) {
                    for (KeyPair pair : keys(s)) {
                        s.addPublicKeyIdentity(pair);
                    }
                }
                s.auth().verify(timeout);
            } catch (IOException | RuntimeException e) {
                s.close(true);
                throw e;
            }
            session = s;
            return s;
        }

        private Iterable<KeyPair> keys(ClientSession s) throws IOException {
            try {
                Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(s, NamedResource.ofName("privateKey"),
                        new ByteArrayInputStream(settings.privateKey().getBytes(StandardCharsets.UTF_8)),
                        settings.passphrase() == null ? FilePasswordProvider.EMPTY : FilePasswordProvider.of(settings.passphrase()));
                if (pairs == null) {
                    throw new IOException(new GeneralSecurityException("no key found in privateKey (OpenSSH or PEM text expected)"));
                }
                return pairs;
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
        }

        synchronized void drop(ClientSession stale) {
            if (session == stale) {
                session.close(true);
                session = null;
            }
        }

        synchronized void close() {
            if (session != null) {
                session.close(true);
            }
            if (client != null) {
                client.stop();
            }
        }
    }
}
