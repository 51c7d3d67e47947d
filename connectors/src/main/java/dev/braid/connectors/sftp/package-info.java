/**
 * The sftp connector (ARCHITECTURE §13): the file actions of {@code files} on an SFTP server through Apache MINA
 * SSHD's client, with the server's host key checked against the connection's fingerprint.
 */
package dev.braid.connectors.sftp;
