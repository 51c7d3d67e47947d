package dev.braid.connectors.mqtt;

import org.eclipse.paho.client.mqttv3.MqttException;

import dev.braid.engine.spi.ActionException;

/**
 * Paho's exceptions as step errors: a broker that refuses the credentials or the client fails the step at
 * once (another attempt is refused the same way); an unreachable broker, a lost connection or a timeout
 * is retried.
 */
final class MqttFailure {

    static final String RETRYABLE = "mqtt.unavailable";
    static final String FATAL = "mqtt.rejected";

    private MqttFailure() {
    }

    static ActionException of(MqttException e, String what) {
        String message = what + " failed: " + e.getMessage() + " (reason " + e.getReasonCode() + ")";
        return switch (e.getReasonCode()) {
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION, MqttException.REASON_CODE_NOT_AUTHORIZED,
                 MqttException.REASON_CODE_INVALID_CLIENT_ID, MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION ->
                    ActionException.fatal(FATAL, message, e);
            default -> ActionException.retryable(RETRYABLE, message, e);
        };
    }
}
