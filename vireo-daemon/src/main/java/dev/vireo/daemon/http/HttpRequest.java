package dev.vireo.daemon.http;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * One parsed HTTP/1.1 request. {@code headers} have lower-case names; {@code query} is the
 * decoded query string; {@code pathParameters} are filled by the {@link Router}.
 * {@code in}/{@code out} are the connection's streams, for upgraded (console) connections.
 */
public record HttpRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
                          byte[] body, Map<String, String> pathParameters, boolean viaTcp,
                          InputStream in, OutputStream out) {
    public String header(String name) { return headers.get(name.toLowerCase(java.util.Locale.ROOT)); }

    public String parameter(String name) { return pathParameters.get(name); }

    public HttpRequest withPathParameters(Map<String, String> parameters) {
        return new HttpRequest(method, path, query, headers, body, Map.copyOf(parameters), viaTcp, in, out);
    }
}
