package dev.braid.app.triggers.cdc;

/** A source that cannot be read as configured (not PostgreSQL, missing connection, bad table name); the message is for a person. */
class CdcSourceException extends RuntimeException {

    CdcSourceException(String message) {
        super(message);
    }

    CdcSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
