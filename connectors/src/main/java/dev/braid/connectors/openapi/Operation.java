package dev.braid.connectors.openapi;

import java.util.List;

/**
 * One operation of a document.
 *
 * @param operationId its {@code operationId}, or {@code null} when the document gives none
 * @param method      upper case, {@code GET}
 * @param path        the path template, {@code /pet/{petId}}
 * @param parameters  the operation's and its path item's, the operation's winning
 * @param body        {@code null} when the operation takes no request body
 */
record Operation(String operationId, String method, String path, String summary, String description, boolean deprecated,
        List<Parameter> parameters, RequestBody body) {

    /** What a step's {@code operation:} names it by: the operationId, else {@code "GET /pet/{petId}"}. */
    String key() {
        return operationId != null ? operationId : method + " " + path;
    }

    Parameter parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    List<String> parameterNames() {
        return parameters.stream().map(Parameter::name).toList();
    }
}
