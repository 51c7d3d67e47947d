/**
 * The files connector (ARCHITECTURE §13) and the file actions it shares with {@code sftp}: read, write (atomic),
 * list, move, delete and newFiles (a poll trigger's read with a processed marker), over a {@link
 * dev.braid.connectors.files.FileStore}.
 */
package dev.braid.connectors.files;
