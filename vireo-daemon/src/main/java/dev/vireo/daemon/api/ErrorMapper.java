package dev.vireo.daemon.api;

import dev.vireo.daemon.ApiException;
import dev.vireo.daemon.http.HttpResponse;
import dev.vireo.daemon.http.HttpServer;

import java.util.Map;

/**
 * The one place where failures become HTTP responses: {@code {"error": "…"}} with a 4xx status
 * for the client's mistakes and 500 for ours (logged with its stack trace, since the message
 * alone would not say what to fix).
 */
public final class ErrorMapper {
    private ErrorMapper() {}

    public static HttpResponse toResponse(Throwable failure) {
        int status;
        String message;
        switch (failure) {
            case ApiException api -> {
                status = api.status();
                message = api.getMessage();
            }
            case HttpServer.MalformedRequest malformed -> {
                status = 400;
                message = malformed.getMessage();
            }
            case com.fasterxml.jackson.core.JacksonException json -> {
                status = 400;
                message = "the request body is not the JSON this endpoint takes: " + json.getOriginalMessage()
                        + "; see /api/openapi.json";
            }
            default -> {
                status = 500;
                message = "internal error: " + failure + "; the daemon log has the details";
                System.err.println("vireod: internal error");
                failure.printStackTrace();
            }
        }
        return HttpResponse.json(status, Json.write(Map.of("error", message)));
    }
}
