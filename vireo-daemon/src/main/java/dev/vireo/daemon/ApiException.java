package dev.vireo.daemon;

/**
 * The daemon's one error type: an HTTP status and a message that names the object and says
 * what to do ({@code vm 'web' is running; stop it first}). {@link dev.vireo.daemon.api.ErrorMapper}
 * turns it (and anything else) into the JSON error response.
 */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() { return status; }

    public static ApiException badRequest(String message) { return new ApiException(400, message); }

    public static ApiException notFound(String message) { return new ApiException(404, message); }

    public static ApiException conflict(String message) { return new ApiException(409, message); }
}
