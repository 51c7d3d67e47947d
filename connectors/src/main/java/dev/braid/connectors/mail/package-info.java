/**
 * The mail connector: mail.send over SMTP.
 */
package dev.braid.connectors.mail;
